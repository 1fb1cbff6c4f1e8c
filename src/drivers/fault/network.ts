import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { networkSchema } from '../../scenario/schema-faults.js';
import { networkFault, type NetworkToxic } from '../../stack/native/toxiproxy.js';
import type { FaultInjector } from '../registry.js';

/**
 * Degrades the network between the harness's clients and one or every broker through Toxiproxy
 * (docs/stack.md, "Network faults"); healing removes exactly the toxics it added. The clients must
 * bootstrap through the proxies (`endpoints.toxiproxy.kafka`) for the toxic to reach them: a run
 * with a network fault needs a stack started with `--toxiproxy`.
 */
type NetworkConfig = { toxic: 'latency' | 'bandwidth' | 'reset' | 'timeout'; latencyMs?: number | undefined; jitterMs?: number | undefined; rateKbps?: number | undefined };

/** The scenario's fault as Toxiproxy's (pure); a field the toxic needs and lacks is named. */
export function networkToxicOf(config: NetworkConfig): NetworkToxic {
  switch (config.toxic) {
    case 'latency':
      if (config.latencyMs === undefined) throw missing('latencyMs', 'latency');
      return { kind: 'latency', latencyMs: config.latencyMs, jitterMs: config.jitterMs ?? 0 };
    case 'bandwidth':
      if (config.rateKbps === undefined) throw missing('rateKbps', 'bandwidth');
      return { kind: 'bandwidth', kbps: config.rateKbps };
    case 'reset':
      return { kind: 'reset' };
    case 'timeout':
      // No data passes and connections stay open, silent, until the fault is healed.
      return { kind: 'timeout', timeoutMs: 0 };
  }
}

function missing(field: string, toxic: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `a network fault with toxic ${toxic} needs ${field}`, { hint: `set faults.<i>.${field}` });
}

export const network: FaultInjector<'network', typeof networkSchema> = {
  kind: 'network',
  schema: networkSchema,
  describe: (config) => `${config.toxic} between the clients and ${config.broker === undefined ? 'every broker' : `broker ${config.broker}`}`,
  async inject(ctx, config) {
    const toxiproxy = ctx.endpoints.toxiproxy;
    if (!toxiproxy) {
      throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, 'a network fault needs Toxiproxy in front of the brokers; this stack runs without it', {
        hint: 'start the stack with `npm run stack -- up --toxiproxy` (native)',
      });
    }
    const fault = await networkFault(toxiproxy, config.broker ?? 'all', networkToxicOf(config));
    return { details: { toxics: fault.toxics.join(',') }, heal: () => fault.heal() };
  },
};
