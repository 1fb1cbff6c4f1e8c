import { processorScaleSchema } from '../../scenario/schema-faults.js';
import type { FaultInjector } from '../registry.js';

/**
 * A rebalance under load: one more consumer joins the group (add; healed by stopping it
 * gracefully), or one leaves it gracefully (remove; healed by starting it again).
 */
export const processorScale: FaultInjector<'processor-scale', typeof processorScaleSchema> = {
  kind: 'processor-scale',
  schema: processorScaleSchema,
  describe: (config) => (config.change === 'add' ? 'add a processor instance' : `remove processor ${config.instance ?? 'last'}`),
  async inject(_ctx, config, targets) {
    const fleet = targets.processors;
    if (!fleet.addInstance || !fleet.removeInstance) throw new Error('this processor kind cannot scale while running (the scenario check refuses it)');
    const remove = fleet.removeInstance.bind(fleet);
    if (config.change === 'add') {
      const added = await fleet.addInstance();
      return { details: { instance: added }, heal: () => remove(added) };
    }
    const instance = config.instance ?? fleet.instances - 1;
    await remove(instance);
    return { details: { instance }, heal: () => fleet.restart(instance) };
  },
};
