import type { ProcessIdentity } from './identity.js';
import { stopProcess, type StopOptions, type StopOutcome } from './stop.js';

/**
 * What one owner (a stack, a processor fleet) started, so that `stopAll()` ends exactly those
 * processes and nothing else, latest first: what started last may depend on what started
 * before it, never the other way round. Members sharing a `stage` are stopped together, e.g.
 * all Kafka nodes at once so that none waits for a quorum that is already half gone.
 * (A registry, not an OS process group: those are what `SignalOptions.group` signals.)
 */
export interface RegisteredProcess {
  name: string;
  identity: ProcessIdentity;
  /** Members with the same stage stop concurrently; default: a stage of its own. */
  stage?: string;
  /** Stop the member's whole process group (it was spawned detached). */
  signalGroup?: boolean;
}

export interface StoppedProcess {
  name: string;
  pid: number;
  outcome: StopOutcome;
}

export class ProcessRegistry {
  readonly #members: RegisteredProcess[] = [];

  /** Registers a process; one with the same name (a restart) is replaced where it was. */
  add(member: RegisteredProcess): void {
    const index = this.#members.findIndex((m) => m.name === member.name);
    if (index >= 0) this.#members[index] = member;
    else this.#members.push(member);
  }

  get(name: string): RegisteredProcess | undefined {
    return this.#members.find((m) => m.name === name);
  }

  list(): readonly RegisteredProcess[] {
    return [...this.#members];
  }

  /** Stops every member, stage by stage in reverse start order, and forgets them. */
  async stopAll(options: StopOptions & { onStopped?: (stopped: StoppedProcess) => void } = {}): Promise<StoppedProcess[]> {
    const stopped: StoppedProcess[] = [];
    for (const stage of this.#stagesInStartOrder().reverse()) {
      await Promise.all(
        stage.map(async (member) => {
          const outcome = await stopProcess(member.identity, { ...options, group: member.signalGroup ?? false });
          const result = { name: member.name, pid: member.identity.pid, outcome };
          stopped.push(result);
          options.onStopped?.(result);
        }),
      );
    }
    this.#members.length = 0;
    return stopped;
  }

  /** Stages ordered by their first member's registration. */
  #stagesInStartOrder(): RegisteredProcess[][] {
    const stages = new Map<string, RegisteredProcess[]>();
    for (const member of this.#members) {
      const key = member.stage === undefined ? `member:${member.name}` : `stage:${member.stage}`;
      const stage = stages.get(key);
      if (stage) stage.push(member);
      else stages.set(key, [member]);
    }
    return [...stages.values()];
  }
}
