import { join } from 'node:path';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { KafkaEndpoints, ToxiproxyEndpoints } from '../../base/endpoints.js';
import type { ProbeResult } from '../health.js';
import type { ServiceCommand } from './processes.js';

/**
 * The one module that talks to Toxiproxy (github.com/Shopify/toxiproxy): the server's command
 * line, the proxies in front of the brokers, and toxics through its HTTP API. The server is a
 * stack service like the others (started, recorded and stopped by PID in native-provider.ts);
 * this module only builds its command and speaks to its API.
 *
 * Topology: broker i has a PROXIED listener on an internal port, advertised as the Toxiproxy port
 * of proxy `kafka-<i+1>`, which forwards to that listener. A client bootstrapping through the
 * proxies gets the proxies' addresses in metadata (Kafka answers with the advertised addresses
 * of the listener a client connected on), so all its traffic goes through them. Clients on the
 * PLAINTEXT listener (the default bootstrap) never see a toxic.
 */

export const TOXIPROXY_SERVICE = 'toxiproxy';

export function proxyName(brokerIndex: number): string {
  return `kafka-${brokerIndex + 1}`;
}

export function toxiproxyCommand(server: string, apiPort: number, runDir: string): ServiceCommand {
  return {
    service: TOXIPROXY_SERVICE,
    command: server,
    args: ['-host', '127.0.0.1', '-port', String(apiPort)],
    logFile: join(runDir, `${TOXIPROXY_SERVICE}.log`),
  };
}

/** The endpoints record of Toxiproxy in front of `brokers` brokers (pure). */
export function toxiproxyEndpoints(apiPort: number, proxyPorts: number[], listenerPorts: number[], kafka: KafkaEndpoints): ToxiproxyEndpoints {
  const proxies = proxyPorts.map((port, i) => ({ name: proxyName(i), brokerIndex: i, listen: `127.0.0.1:${port}`, upstream: `127.0.0.1:${listenerPorts[i]}` }));
  return {
    apiUrl: `http://127.0.0.1:${apiPort}`,
    kafka: { ...kafka, bootstrapServers: proxies.map((p) => p.listen) },
    proxies,
  };
}

/** What the network fault does between the clients and a broker. */
export type NetworkToxic =
  | { kind: 'latency'; latencyMs: number; jitterMs?: number }
  /** Bandwidth limit, in KB/s (Toxiproxy's `rate`). */
  | { kind: 'bandwidth'; kbps: number }
  /** Every connection is reset (TCP RST) as data arrives. */
  | { kind: 'reset' }
  /** Data stops; connections close after timeoutMs (0 = held open, silent, until healed). */
  | { kind: 'timeout'; timeoutMs: number };

export interface ToxicSpec {
  name: string;
  type: 'latency' | 'bandwidth' | 'reset_peer' | 'timeout';
  stream: 'upstream' | 'downstream';
  toxicity: number;
  attributes: Record<string, number>;
}

/**
 * Toxiproxy's form of a fault (pure). Latency and bandwidth act on the broker → client stream (a
 * request's answer is delayed once per round trip); reset and timeout on the client → broker
 * stream (a request is cut or never arrives).
 */
export function toxicSpec(fault: NetworkToxic, name: string): ToxicSpec {
  switch (fault.kind) {
    case 'latency':
      return { name, type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: fault.latencyMs, jitter: fault.jitterMs ?? 0 } };
    case 'bandwidth':
      return { name, type: 'bandwidth', stream: 'downstream', toxicity: 1, attributes: { rate: fault.kbps } };
    case 'reset':
      return { name, type: 'reset_peer', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } };
    case 'timeout':
      return { name, type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: fault.timeoutMs } };
  }
}

export interface ProxyInfo {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicSpec[];
}

/** Toxiproxy's HTTP API, each call bounded (an unreachable server is reported within seconds). */
export class ToxiproxyApi {
  constructor(
    readonly url: string,
    private readonly timeoutMs = 5_000,
  ) {}

  private async call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    } catch (error) {
      const cause = (error as Error & { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      throw new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `Toxiproxy at ${this.url} did not answer ${method} ${path}: ${cause}`, {
        hint: 'is the stack up with Toxiproxy? `npm run stack -- status` (start it with `npm run stack -- up --toxiproxy`)',
        cause: error,
      });
    }
    const text = await response.text();
    if (!response.ok) {
      throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `Toxiproxy ${method} ${path} answered HTTP ${response.status}: ${text.trim().slice(0, 300)}`, {
        hint: 'see `npm run stack -- logs toxiproxy`',
      });
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async version(): Promise<string> {
    const response = await fetch(`${this.url}/version`, { signal: AbortSignal.timeout(this.timeoutMs) });
    return (await response.text()).trim();
  }

  async proxies(): Promise<Record<string, ProxyInfo>> {
    return this.call('GET', '/proxies');
  }

  async createProxy(proxy: { name: string; listen: string; upstream: string }): Promise<void> {
    await this.call('POST', '/proxies', { ...proxy, enabled: true });
  }

  async toxics(proxy: string): Promise<ToxicSpec[]> {
    return this.call('GET', `/proxies/${encodeURIComponent(proxy)}/toxics`);
  }

  async addToxic(proxy: string, toxic: ToxicSpec): Promise<void> {
    await this.call('POST', `/proxies/${encodeURIComponent(proxy)}/toxics`, toxic);
  }

  async removeToxic(proxy: string, name: string): Promise<void> {
    await this.call('DELETE', `/proxies/${encodeURIComponent(proxy)}/toxics/${encodeURIComponent(name)}`);
  }
}

/** Creates the broker proxies (startup; a proxy that already exists with the same ports is kept). */
export async function createBrokerProxies(toxiproxy: ToxiproxyEndpoints): Promise<void> {
  const api = new ToxiproxyApi(toxiproxy.apiUrl);
  const existing = await api.proxies();
  for (const proxy of toxiproxy.proxies) {
    const current = existing[proxy.name];
    if (current && current.listen === proxy.listen && current.upstream === proxy.upstream) continue;
    await api.createProxy({ name: proxy.name, listen: proxy.listen, upstream: proxy.upstream });
  }
}

/** Every toxic still on a broker proxy, as `proxy/toxic` (empty after every heal). */
export async function listToxics(toxiproxy: ToxiproxyEndpoints): Promise<string[]> {
  const api = new ToxiproxyApi(toxiproxy.apiUrl);
  const out: string[] = [];
  for (const proxy of toxiproxy.proxies) for (const toxic of await api.toxics(proxy.name)) out.push(`${proxy.name}/${toxic.name}`);
  return out;
}

export interface HealableFault {
  /** The toxics this fault added, as `proxy/toxic`. */
  readonly toxics: readonly string[];
  /** Removes exactly those toxics (idempotent: a second heal does nothing). */
  heal(): Promise<void>;
}

let faultSeq = 0;

/**
 * The network fault the fault injector calls: `fault` between the clients and broker `target`
 * (its index), or every broker. Returns how to heal it. If adding a toxic fails midway, those
 * already added are removed before the error is thrown, so nothing is left behind.
 */
export async function networkFault(toxiproxy: ToxiproxyEndpoints, target: 'all' | number, fault: NetworkToxic): Promise<HealableFault> {
  const proxies = target === 'all' ? toxiproxy.proxies : toxiproxy.proxies.filter((p) => p.brokerIndex === target);
  if (proxies.length === 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no broker ${target} behind Toxiproxy (brokers 0..${toxiproxy.proxies.length - 1})`, {
      hint: "target 'all' or a broker index of this stack",
    });
  }
  const api = new ToxiproxyApi(toxiproxy.apiUrl);
  const name = `streamproof-${process.pid}-${++faultSeq}-${fault.kind}`;
  const added: string[] = [];
  let healed = false;
  const heal = async (): Promise<void> => {
    if (healed) return;
    healed = true;
    const failures: string[] = [];
    for (const proxy of proxies) {
      if (!added.includes(`${proxy.name}/${name}`)) continue;
      await api.removeToxic(proxy.name, name).catch((error: unknown) => failures.push(`${proxy.name}: ${(error as Error).message}`));
    }
    if (failures.length > 0) {
      throw new StreamproofError(ERROR_CODES.CLEANUP_FAILED, `network fault ${name} could not be healed on ${failures.join('; ')}`, {
        hint: 'the toxic is still on the proxy: `npm run stack -- down` removes Toxiproxy and every toxic with it',
      });
    }
  };
  try {
    for (const proxy of proxies) {
      await api.addToxic(proxy.name, toxicSpec(fault, name));
      added.push(`${proxy.name}/${name}`);
    }
  } catch (error) {
    await heal().catch(() => undefined);
    throw error;
  }
  return { toxics: added, heal };
}

/** For `stack status`: the API answers and every broker proxy exists; toxics still active are named (a heal that failed). */
export async function probeToxiproxy(toxiproxy: ToxiproxyEndpoints): Promise<ProbeResult> {
  try {
    const proxies = await new ToxiproxyApi(toxiproxy.apiUrl, 2_000).proxies();
    const missing = toxiproxy.proxies.filter((p) => !proxies[p.name]).map((p) => p.name);
    if (missing.length > 0) return { healthy: false, detail: `proxies missing: ${missing.join(', ')}` };
    const toxics = toxiproxy.proxies.flatMap((p) => (proxies[p.name]?.toxics ?? []).map((t) => `${p.name}/${t.name}`));
    return { healthy: true, detail: `${toxiproxy.proxies.length} broker prox${toxiproxy.proxies.length === 1 ? 'y' : 'ies'}, ${toxics.length ? `toxics active: ${toxics.join(', ')}` : 'no toxics'}` };
  } catch (error) {
    return { healthy: false, detail: (error as Error).message };
  }
}
