import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { externalEndpointsFromEnv } from '../stack/external.js';
import { stackDown, stackUp } from '../stack/stack-control.js';
import { readStackState } from '../stack/state.js';
import type { Scenario } from '../scenario/schema.js';

/**
 * The stack a run uses: the external one from the environment, the one already up (reused as
 * is), or a new one started now — and then stopped at the end unless --keep-stack.
 */
export interface StackSession {
  endpoints: StackEndpoints;
  startedHere: boolean;
  release(keepStack: boolean, log: (line: string) => void): Promise<void>;
}

/** True when a fault of the scenario may degrade the network (a `network` fault, or chaos that may draw one). */
export function needsToxiproxy(scenario: Scenario): boolean {
  return (scenario.faults ?? []).some((f) => f.kind === 'network' || (f.kind === 'chaos' && (f as { kinds?: readonly string[] }).kinds?.includes('network')));
}

/**
 * A run with network faults talks to the brokers only through Toxiproxy: every client of the
 * run (producer, processors, sink, observers, verifier) takes the proxied bootstrap, so the
 * brokers' PROXIED listener is all they ever see and a toxic reaches each of them.
 */
function throughProxies(endpoints: StackEndpoints, scenario: Scenario): StackEndpoints {
  if (!needsToxiproxy(scenario)) return endpoints;
  if (!endpoints.toxiproxy) {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, 'the scenario has a network fault, and the running stack has no Toxiproxy in front of its brokers', {
      hint: 'restart the stack with it: `npm run stack -- down && npm run stack -- up --toxiproxy` (or let the run start the stack)',
    });
  }
  return { ...endpoints, kafka: endpoints.toxiproxy.kafka };
}

export async function openStackSession(scenario: Scenario, log: (line: string) => void, signal?: AbortSignal): Promise<StackSession> {
  const { provider, brokers } = scenario.stack;
  if (needsToxiproxy(scenario) && provider !== 'native') {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `network faults run through Toxiproxy on the native stack only, and stack.provider is ${provider}`, { hint: 'use --provider native, or remove the network fault' });
  }
  if (provider === 'external') {
    const endpoints = externalEndpointsFromEnv(process.env);
    if (!endpoints) {
      throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, 'stack.provider is external but STREAMPROOF_KAFKA_BOOTSTRAP is not set', {
        hint: 'set the external stack variables (docs/stack.md), or use --provider native',
      });
    }
    // The scenario's broker count sets the replication default and the fault checks: it must be the cluster's.
    if (endpoints.kafka.brokers !== brokers) {
      throw new StreamproofError(
        ERROR_CODES.INVALID_SCENARIO,
        `stack.brokers is ${brokers} but the external cluster has ${endpoints.kafka.brokers} broker(s) (STREAMPROOF_KAFKA_BROKERS, else the bootstrap list up to 3)`,
        { hint: `run with --brokers ${endpoints.kafka.brokers}, or set STREAMPROOF_KAFKA_BROKERS to the cluster's broker count` },
      );
    }
    return { endpoints, startedHere: false, release: async () => undefined };
  }
  const existing = await readStackState();
  if (existing) {
    const have = existing.endpoints;
    if (have.provider !== provider || have.kafka.brokers !== brokers) {
      throw new StreamproofError(
        ERROR_CODES.STACK_CONFLICT,
        `the running stack is ${have.provider} with ${have.kafka.brokers} broker(s); the scenario wants ${provider} with ${brokers}`,
        { hint: `run with --brokers ${have.kafka.brokers} --provider ${have.provider} to use it, or \`npm run stack -- down\` first` },
      );
    }
    log(`using the running ${have.provider} stack (${have.kafka.brokers} broker${have.kafka.brokers > 1 ? 's' : ''})`);
    return { endpoints: throughProxies(have, scenario), startedHere: false, release: async () => undefined };
  }
  if (brokers !== 1 && brokers !== 3 && provider === 'native') {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `the native stack runs 1 or 3 brokers, not ${brokers}`, { hint: 'use --brokers 1 or --brokers 3' });
  }
  log(`starting the ${provider} stack (${brokers} broker${brokers > 1 ? 's' : ''})`);
  const { state, elapsedMs } = await stackUp({
    provider: provider as 'native' | 'compose',
    brokers: brokers as 1 | 3,
    portOffset: Number(process.env.STREAMPROOF_PORT_OFFSET ?? 0),
    ...(needsToxiproxy(scenario) ? { toxiproxy: true } : {}),
    log,
    ...(signal ? { signal } : {}),
  });
  log(`stack up in ${(elapsedMs / 1000).toFixed(1)} s`);
  return {
    endpoints: throughProxies(state.endpoints, scenario),
    startedHere: true,
    async release(keepStack, releaseLog) {
      if (keepStack) {
        releaseLog('keeping the stack up (--keep-stack); stop it with `npm run stack -- down`');
        return;
      }
      await stackDown(releaseLog);
    },
  };
}
