import { processorKillSchema } from '../../scenario/schema-faults.js';
import type { FaultInjector } from '../registry.js';

/** How long a kill while a transaction is open waits for one before it kills anyway (and says so). */
export const OPEN_TRANSACTION_WAIT_MS = 10_000;

/**
 * SIGKILL a processor instance by the PID its fleet spawned; healing restarts it (it restores its
 * state from the changelog and fences its predecessor's transactional id). With
 * whileTransactionOpen the kill lands the moment the instance reports a prepared transaction.
 */
export const processorKill: FaultInjector<'processor-kill', typeof processorKillSchema> = {
  kind: 'processor-kill',
  schema: processorKillSchema,
  describe: (config) => `kill processor ${config.instance}${config.whileTransactionOpen ? ' while a transaction is open' : ''}`,
  async inject(_ctx, config, targets) {
    const fleet = targets.processors;
    let details: Record<string, string | number | boolean | null> | undefined;
    if (config.whileTransactionOpen) {
      if (!fleet.killWhileTransactionOpen) throw new Error('this processor kind cannot report an open transaction (the scenario check refuses it)');
      const outcome = await fleet.killWhileTransactionOpen(config.instance, OPEN_TRANSACTION_WAIT_MS);
      details = { openAtKill: outcome.openAtKill, transaction: outcome.transaction };
    } else {
      fleet.kill(config.instance);
    }
    return { ...(details ? { details } : {}), heal: () => fleet.restart(config.instance) };
  },
};
