import { systemClock, type Clock } from '../../base/clock.js';
import type { KafkaEndpoints } from '../../base/endpoints.js';
import { createKafkaPorts } from './kafka-ports.js';
import type { ProcessorMetricsRecorder } from './metrics.js';
import { parseProcessorRuntimeConfig, processorNames, type ProcessorRuntimeConfigInput } from './runtime-config.js';
import type { ProcessorHooks } from './runtime-status.js';
import { ProcessorRuntime } from './runtime.js';

/**
 * A processor instance wired to a Kafka cluster: the in-process run mode (tests, the runner's
 * `in-process` mode) and what the child-process CLI runs. Call start(), later stop().
 */
export interface CreateProcessorOptions {
  kafka: KafkaEndpoints;
  config: ProcessorRuntimeConfigInput;
  clock?: Clock;
  metrics?: ProcessorMetricsRecorder;
  hooks?: ProcessorHooks;
  log?: (line: string) => void;
}

export function createProcessorRuntime(options: CreateProcessorOptions): ProcessorRuntime {
  const config = parseProcessorRuntimeConfig(options.config);
  const names = processorNames(config);
  const ports = createKafkaPorts({
    kafka: options.kafka,
    inputTopic: names.topics.raw,
    changelogTopic: names.topics.changelog,
    groupId: names.groupId,
    transactionalId: names.transactionalId,
    clientId: names.clientId,
    transactionTimeoutMs: config.transactionTimeoutMs,
    sessionTimeoutMs: config.sessionTimeoutMs,
    guarantee: config.guarantee,
  });
  return new ProcessorRuntime({
    config,
    topics: names.topics,
    ports,
    clock: options.clock ?? systemClock(),
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.hooks ? { hooks: options.hooks } : {}),
    ...(options.log ? { log: options.log } : {}),
  });
}
