/**
 * What every other module needs to know about a running stack: where its services are.
 * Providers (native, compose, external) produce a StackEndpoints; everything downstream
 * (topology, producer, processor, sink, verifier, tests) consumes only this.
 *
 * Secrets are never part of this object: SASL passwords and AWS keys are read from the
 * environment at the moment a client is built (see src/kafka/client-options.ts, src/aws/).
 */
export type ProviderName = 'native' | 'compose' | 'external';

export interface KafkaEndpoints {
  bootstrapServers: string[];
  /** Number of brokers in the cluster (drives replication factor and min ISR). */
  brokers: number;
  tls: boolean;
  /** SASL mechanism when the cluster needs auth; username/password come from the environment. */
  saslMechanism?: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512';
}

export interface AwsEndpoints {
  /** Endpoint override for Firehose and S3 (moto/LocalStack); undefined = real AWS. */
  endpoint?: string;
  region: string;
  /** Emulators serve S3 path-style only. */
  forcePathStyle: boolean;
  /** Which Firehose behaviour to expect: emulators write one object per call, uncompressed. */
  firehoseBehaviour: 'emulator-immediate' | 'aws-buffered';
}

export interface StackEndpoints {
  provider: ProviderName;
  kafka: KafkaEndpoints;
  aws: AwsEndpoints;
  prometheus?: {
    url: string;
    /** Prometheus file_sd directory: the runner and processors drop their /metrics targets here. */
    targetsDir?: string;
    /** Host under which Prometheus reaches the harness's /metrics endpoints. */
    targetHost?: string;
  };
  grafana?: { url: string };
  /**
   * Toxiproxy in front of every broker (native stack, `stack up --toxiproxy`): a client that
   * bootstraps through `kafka.bootstrapServers` here only ever talks to brokers through the proxies.
   */
  toxiproxy?: ToxiproxyEndpoints;
}

export interface ToxiproxyEndpoints {
  /** Toxiproxy's HTTP API, e.g. http://127.0.0.1:18474. */
  apiUrl: string;
  /** The cluster as reached through the proxies: the proxies' addresses are what the brokers advertise on that listener. */
  kafka: KafkaEndpoints;
  /** Proxy i forwards `listen` → broker i's PROXIED listener (`upstream`). */
  proxies: Array<{ name: string; brokerIndex: number; listen: string; upstream: string }>;
}

/** Ports shared by the native and compose providers (docker-compose.yml maps the same ones). */
export const DEFAULT_PORTS = {
  kafkaBroker: [19092, 19093, 19094],
  kafkaController: [19192, 19193, 19194],
  /** Each broker's JMX exporter /metrics (native: the -javaagent; compose: the same agent in the container). */
  kafkaJmxMetrics: [19792, 19793, 19794],
  /** Each broker's PROXIED client listener (only Toxiproxy connects here)... */
  kafkaProxiedListener: [19592, 19593, 19594],
  /** ...and the Toxiproxy port in front of it, which that listener advertises. */
  kafkaProxy: [19692, 19693, 19694],
  toxiproxyApi: 18474,
  aws: 14566,
  prometheus: 19090,
  grafana: 13000,
  runnerMetrics: 19464,
} as const;
