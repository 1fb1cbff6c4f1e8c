import type { Worker } from 'node:worker_threads';
import type { KafkaEndpoints } from '../../base/endpoints.js';
import { ERROR_CODES, StreamproofError, type ErrorCode } from '../../base/errors.js';
import { startModuleWorker } from '../../base/module-worker.js';
import type { ProducerTuning } from '../../kafka/producer.js';
import type { GroupOutcome } from '../../workload/sender.js';
import type { ProducerPool } from './producer-pool.js';
import type { RecordProducer } from './producer-ports.js';
import type { CrossedError, FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread-protocol.js';

/**
 * The producer pool on a thread of its own (producer-thread.ts), behind the same ProducerPool
 * interface as the in-thread one.
 *
 * Why: the open-loop sender takes every timing (schedule lag, on time or late) on its own thread.
 * With the Kafka client on that thread, each produce request's encoding and socket write (about
 * half of the thread's time at 20 k events/s of 1 KiB) ran between the sender's wake-ups, so the
 * sender woke late and counted the client's work as its own lateness. Split, the sending thread
 * only times, hands groups over and books acks; it sleeps most of the time, and a thread that
 * sleeps most of the time is the one the kernel runs first when it wakes, even on a busy machine.
 * This is the split of Kafka's Java producer: send() appends to an accumulator, and a separate
 * I/O thread does the requests. The client's own delays then show where they belong, in L1 from
 * send, not in schedule lag.
 *
 * `pendingRecords` counts records handed over and not yet settled (queued, batched or in flight
 * in the thread), the same meaning as the in-thread producer's.
 */
const threadUrl = new URL('./producer-thread.ts', import.meta.url);

interface Outstanding {
  count: number;
  settle: (outcome: GroupOutcome) => void;
}

function uncrossed(error: CrossedError): Error {
  if (error.code) return new StreamproofError(error.code as ErrorCode, error.message, error.hint ? { hint: error.hint } : {});
  return new Error(error.message);
}

export function createThreadedProducerPool(kafka: KafkaEndpoints, options: { producers: number; clientId: string; tuning: ProducerTuning }): ProducerPool {
  const data: ProducerThreadData = { kafka, producers: options.producers, clientId: options.clientId, tuning: options.tuning };
  const worker: Worker = startModuleWorker(threadUrl, { workerData: data, name: `producer ${options.clientId}` });
  const outstanding = new Map<number, Outstanding>();
  let nextId = 1;
  let pending = 0;
  /** Set once the thread has died or been closed: every later send fails with it. */
  let gone: Error | undefined;
  let onConnected: ((error?: Error) => void) | undefined;
  let onClosed: (() => void) | undefined;

  const post = (message: ToProducerThread): void => worker.postMessage(message);

  function failAll(error: Error): void {
    gone ??= error;
    const groups = [...outstanding.values()];
    outstanding.clear();
    pending = 0;
    for (const group of groups) group.settle({ failed: Array.from({ length: group.count }, (_, index) => ({ index, error })) });
    onConnected?.(error);
    onConnected = undefined;
    onClosed?.();
    onClosed = undefined;
  }

  worker.on('message', (message: FromProducerThread) => {
    if (message.type === 'outcome') {
      const group = outstanding.get(message.id);
      if (!group) return;
      outstanding.delete(message.id);
      pending -= group.count;
      group.settle({ failed: message.failed.map((f) => ({ index: f.index, error: uncrossed(f.error) })) });
    } else if (message.type === 'connected' || message.type === 'connect-failed') {
      const done = onConnected;
      onConnected = undefined;
      done?.(message.type === 'connected' ? undefined : uncrossed(message.error));
    } else {
      onClosed?.();
      onClosed = undefined;
    }
  });
  worker.on('error', (error: Error) => failAll(new StreamproofError(ERROR_CODES.UNEXPECTED, `the producer thread failed: ${error.message}`, { cause: error })));
  worker.on('exit', (code) => failAll(new StreamproofError(ERROR_CODES.UNEXPECTED, `the producer thread exited (code ${code}) with ${pending} records unsettled`)));

  function sendMany(topic: string, records: ReadonlyArray<{ key: string; value: string }>): Promise<GroupOutcome> {
    if (gone) {
      const error = gone;
      return Promise.resolve({ failed: records.map((_, index) => ({ index, error })) });
    }
    if (records.length === 0) return Promise.resolve({ failed: [] });
    const id = nextId++;
    const keys = new Array<string>(records.length);
    const values = new Array<string>(records.length);
    for (let i = 0; i < records.length; i += 1) {
      const record = records[i] as { key: string; value: string };
      keys[i] = record.key;
      values[i] = record.value;
    }
    pending += records.length;
    return new Promise<GroupOutcome>((settle) => {
      outstanding.set(id, { count: records.length, settle });
      post({ type: 'send', id, topic, keys, values });
    });
  }

  const producer: RecordProducer = {
    sendMany,
    async send(topic, key, value) {
      const outcome = await sendMany(topic, [{ key, value }]);
      if (outcome.failed.length > 0) throw outcome.failed[0]?.error;
    },
    get pendingRecords() {
      return pending;
    },
  };

  return {
    producer,
    connect: () =>
      new Promise<void>((resolve, reject) => {
        if (gone) {
          reject(gone);
          return;
        }
        onConnected = (error) => (error ? reject(error) : resolve());
        post({ type: 'connect' });
      }),
    close: async () => {
      if (!gone) {
        // The thread flushes what it holds and closes its clients, then says so.
        await new Promise<void>((resolve) => {
          onClosed = resolve;
          post({ type: 'close' });
        });
      }
      gone ??= new StreamproofError(ERROR_CODES.UNEXPECTED, 'the producer is closed');
      await worker.terminate();
    },
  };
}
