import { parentPort, workerData } from 'node:worker_threads';
import { isStreamproofError } from '../../base/errors.js';
import { installDeadCoordinatorGuard } from '../../kafka/dead-coordinator-guard.js';
import { describeError } from './error-text.js';
import { createProducerPool } from './producer-pool.js';
import { sendGroup } from './producer-ports.js';
import type { CrossedError, FromProducerThread, ProducerThreadData, ToProducerThread } from './producer-thread-protocol.js';

/**
 * The producer thread: the idempotent producers (producer-pool.ts) in a worker thread of their
 * own, so their encoding, socket writes and response parsing never delay the open-loop sender's
 * timing on the sending thread (threaded-producer-pool.ts says why). It does what it is told:
 * connect, send groups of records and answer each with its outcome, flush and close.
 */
const data = workerData as ProducerThreadData;
const port = parentPort;
if (!port) throw new Error('producer-thread.ts runs as a worker thread only');

// The main thread's Kafka modules install this guard on the client's connection pool; this
// thread has its own copy of the client, so it installs its own.
installDeadCoordinatorGuard();
const pool = createProducerPool(data.kafka, { producers: data.producers, clientId: data.clientId, tuning: data.tuning });

function crossed(error: unknown): CrossedError {
  const out: CrossedError = { message: describeError(error) };
  if (isStreamproofError(error)) {
    out.code = error.code;
    if (error.hint) out.hint = error.hint;
  }
  return out;
}

const post = (message: FromProducerThread): void => port.postMessage(message);

port.on('message', (message: ToProducerThread) => {
  if (message.type === 'send') {
    const { id, topic, keys, values } = message;
    const records = keys.map((key, i) => ({ key, value: values[i] as string }));
    sendGroup(pool.producer, topic, records).then(
      (outcome) => post({ type: 'outcome', id, failed: outcome.failed.map((f) => ({ index: f.index, error: crossed(f.error) })) }),
      (error: unknown) => post({ type: 'outcome', id, failed: records.map((_, index) => ({ index, error: crossed(error) })) }),
    );
  } else if (message.type === 'connect') {
    pool.connect().then(
      () => post({ type: 'connected' }),
      (error: unknown) => post({ type: 'connect-failed', error: crossed(error) }),
    );
  } else {
    void pool.close().finally(() => post({ type: 'closed' }));
  }
});
