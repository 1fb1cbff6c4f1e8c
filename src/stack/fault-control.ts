import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { StackEndpoints } from '../base/endpoints.js';
import type { StackControl } from '../drivers/registry.js';
import { signalProcess } from '../process/signal.js';
import { identityOf } from './native/processes.js';
import { readStackState, type ManagedProcess } from './state.js';

/**
 * INTERIM control of the native stack's services for fault injection, by the PIDs recorded in
 * the stack state (never by name): pause/resume (SIGSTOP/SIGCONT) and kill of a broker or moto.
 * Restarting a killed broker belongs to the stack provider and is not offered here; this module
 * is replaced by the provider's own broker control when that lands.
 */
async function serviceOf(name: string): Promise<ManagedProcess> {
  const state = await readStackState();
  const proc = state?.processes.find((p) => p.service === name);
  if (!proc) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `the stack has no service ${name}`, { hint: '`npm run stack -- status` lists them' });
  return proc;
}

async function signal(name: string, sig: NodeJS.Signals): Promise<void> {
  const proc = await serviceOf(name);
  const outcome = signalProcess(identityOf(proc), sig);
  if (outcome !== 'sent') throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${sig} to ${name} (PID ${proc.pid}) not sent: ${outcome}`, { hint: '`npm run stack -- status`' });
}

export function stackControlFor(endpoints: StackEndpoints): StackControl | null {
  if (endpoints.provider !== 'native') return null;
  const broker = (index: number) => {
    if (!Number.isInteger(index) || index < 1 || index > endpoints.kafka.brokers) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `broker ${index} does not exist (the stack has ${endpoints.kafka.brokers}, numbered 1..${endpoints.kafka.brokers})`, { hint: 'name a broker 1..stack.brokers' });
    }
    return `kafka-${index}`;
  };
  return {
    killBroker: (i) => signal(broker(i), 'SIGKILL'),
    restartBroker: async (i) => {
      throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `restarting ${broker(i)} is not available in this version`, { hint: '`npm run stack -- down` and up again' });
    },
    pauseBroker: (i) => signal(broker(i), 'SIGSTOP'),
    resumeBroker: (i) => signal(broker(i), 'SIGCONT'),
    pauseDelivery: () => signal('moto', 'SIGSTOP'),
    resumeDelivery: () => signal('moto', 'SIGCONT'),
  };
}
