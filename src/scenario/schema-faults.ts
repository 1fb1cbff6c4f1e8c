import { z } from 'zod';
import { durationMs } from '../base/duration.js';

/**
 * Fault injection (docs/faults.md): what to break, when, for how long, how often, and which
 * target. Every fault is healed at the end of its duration (and on every exit path of the run).
 * The plan of concrete occurrences — `every` expanded, phase-relative times resolved, chaos
 * drawn from its seed — is built and checked by src/scenario/fault-plan.ts before anything
 * starts.
 */

const timing = {
  atMs: durationMs().describe('when the fault strikes: from the start of the load, or from the start of `phase` when that is given (ms or a duration)'),
  phase: z
    .string()
    .min(1)
    .optional()
    .describe('name of the load phase `atMs` counts from (its first occurrence); with `everyMs`, repeats stop at the end of that phase'),
  durationMs: durationMs({ minMs: 1 }).describe('how long the fault lasts before it is healed (restart, resume, re-add)'),
  everyMs: durationMs({ minMs: 1 })
    .optional()
    .describe('repeat the fault this often (start to start, > durationMs) until the load (or `phase`) ends, or `times` occurrences'),
  times: z.number().int().min(1).max(1000).optional().describe('with `everyMs`: at most this many occurrences'),
};

const broker = z.number().int().min(1).default(1).describe('broker to act on: its node id, 1..stack.brokers (service kafka-<id> in `npm run stack -- status`)');
const instance = z.number().int().nonnegative().default(0).describe('processor instance to act on, 0-based (processor.instances of them)');

export const NETWORK_TOXICS = ['latency', 'bandwidth', 'reset', 'timeout'] as const;

export const brokerKillSchema = z
  .object({ kind: z.literal('broker-kill'), ...timing, broker })
  .strict()
  .describe('SIGKILL one Kafka broker, restart it when healed (leader election, min ISR, client failover)');

export const brokerPauseSchema = z
  .object({ kind: z.literal('broker-pause'), ...timing, broker })
  .strict()
  .describe('SIGSTOP one Kafka broker — a hung, not dead, node — and SIGCONT it when healed');

export const processorKillSchema = z
  .object({
    kind: z.literal('processor-kill'),
    ...timing,
    instance,
    whileTransactionOpen: z
      .boolean()
      .default(false)
      .describe('wait (up to 10 s after atMs) for the instance to report a prepared, uncommitted transaction and kill it then; the result records whether the kill landed before the commit'),
  })
  .strict()
  .describe('SIGKILL a processor instance (transaction fencing, state restore), restart it when healed');

export const processorScaleSchema = z
  .object({
    kind: z.literal('processor-scale'),
    ...timing,
    change: z.enum(['add', 'remove']).describe('add an instance (a new consumer joins the group) or remove one gracefully (it leaves the group): a rebalance under load; healed by undoing it'),
    instance: z.number().int().nonnegative().optional().describe('with `remove`: the instance to stop (default the last one); not used with `add` (the new one gets the next index)'),
  })
  .strict()
  .describe('add or remove a processor instance for the duration: a consumer-group rebalance under load');

export const deliveryOutageSchema = z
  .object({ kind: z.literal('delivery-outage'), ...timing })
  .strict()
  .describe('hang the Firehose/S3 endpoint (SIGSTOP; it keeps its data) and resume it when healed: delivery retries and S3 duplicates');

export const networkSchema = z
  .object({
    kind: z.literal('network'),
    ...timing,
    broker: z.number().int().min(1).optional().describe('the broker whose client link is degraded, node id 1..stack.brokers; omit for all brokers'),
    toxic: z.enum(NETWORK_TOXICS).describe('latency (with jitter), bandwidth limit, connection reset, or timeout (no data passes), through Toxiproxy'),
    latencyMs: durationMs().optional().describe('toxic latency: added delay'),
    jitterMs: durationMs().optional().describe('toxic latency: ± jitter'),
    rateKbps: z.number().int().min(1).optional().describe('toxic bandwidth: KB/s allowed'),
  })
  .strict()
  .describe('degrade the network between the clients and one or all brokers (Toxiproxy)');

export const chaosSchema = z
  .object({
    kind: z.literal('chaos'),
    seed: z.union([z.number().int(), z.string().min(1)]).describe('the plan\'s seed: the same seed draws the same faults at the same times on the same targets'),
    atMs: durationMs().describe('the first fault strikes here, from the start of the load (or of `phase`)'),
    phase: timing.phase,
    everyMs: durationMs({ minMs: 1 }).describe('a new fault this often (start to start)'),
    durationMs: durationMs({ minMs: 1 }).describe('each fault lasts this long (< everyMs, so they never overlap)'),
    times: timing.times,
    kinds: z
      .array(z.enum(['broker-kill', 'broker-pause', 'processor-kill', 'processor-scale', 'delivery-outage', 'network']))
      .min(1)
      .optional()
      .describe('kinds to draw from; default every kind this version can inject except network (it needs a stack with Toxiproxy: list it to draw it)'),
  })
  .strict()
  .describe('Jepsen-style: a random fault (kind and target drawn from `seed`) every `everyMs`; the plan is printed and kept in result.json');

export const faultSchema = z.discriminatedUnion('kind', [
  brokerKillSchema,
  brokerPauseSchema,
  processorKillSchema,
  processorScaleSchema,
  deliveryOutageSchema,
  networkSchema,
  chaosSchema,
]);

export type FaultSpec = z.output<typeof faultSchema>;
/** A fault the runner injects (chaos is a plan of these, not a fault itself). */
export type InjectableFault = Exclude<FaultSpec, { kind: 'chaos' }>;
export type InjectableFaultKind = InjectableFault['kind'];
export type Fault = FaultSpec;
export const FAULT_KINDS = faultSchema.options.map((o) => o.shape.kind.value);
export type FaultKind = FaultSpec['kind'];
