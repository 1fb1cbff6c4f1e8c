import { brokerKillSchema } from '../../scenario/schema-faults.js';
import type { FaultInjector } from '../registry.js';
import { requireStack } from './stack-target.js';

/** SIGKILL one broker by its recorded PID; healing restarts it with the same config, data and ports. */
export const brokerKill: FaultInjector<'broker-kill', typeof brokerKillSchema> = {
  kind: 'broker-kill',
  schema: brokerKillSchema,
  describe: (config) => `kill broker ${config.broker}`,
  async inject(_ctx, config, targets) {
    const stack = requireStack(targets, 'broker-kill');
    await stack.killBroker(config.broker);
    return { heal: () => stack.restartBroker(config.broker) };
  },
};
