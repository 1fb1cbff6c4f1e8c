import { deliveryOutageSchema } from '../../scenario/schema-faults.js';
import type { FaultInjector } from '../registry.js';
import { requireStack } from './stack-target.js';

/**
 * The Firehose/S3 endpoint hangs (SIGSTOP of the emulator, which keeps its objects in memory, so
 * stopping it for real would lose what S3 already holds); healing resumes it.
 */
export const deliveryOutage: FaultInjector<'delivery-outage', typeof deliveryOutageSchema> = {
  kind: 'delivery-outage',
  schema: deliveryOutageSchema,
  describe: () => 'hang the Firehose/S3 endpoint',
  async inject(_ctx, _config, targets) {
    const stack = requireStack(targets, 'delivery-outage');
    await stack.pauseDelivery();
    return { heal: () => stack.resumeDelivery() };
  },
};
