import { brokerPauseSchema } from '../../scenario/schema-faults.js';
import type { FaultInjector } from '../registry.js';
import { requireStack } from './stack-target.js';

/** SIGSTOP one broker (hung, not dead: its sockets stay open, nothing answers); healing sends SIGCONT. */
export const brokerPause: FaultInjector<'broker-pause', typeof brokerPauseSchema> = {
  kind: 'broker-pause',
  schema: brokerPauseSchema,
  describe: (config) => `pause broker ${config.broker}`,
  async inject(_ctx, config, targets) {
    const stack = requireStack(targets, 'broker-pause');
    await stack.pauseBroker(config.broker);
    return { heal: () => stack.resumeBroker(config.broker) };
  },
};
