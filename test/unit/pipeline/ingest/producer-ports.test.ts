import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../../src/base/errors.js';
import { producerEventPort, producerSinkPort, type RecordProducer } from '../../../../src/pipeline/ingest/producer-ports.js';

/** Holds every send until the test settles it; pendingRecords counts unsettled ones. */
class HeldProducer implements RecordProducer {
  readonly sends: Array<{ topic: string; key: string; value: string; resolve: () => void; reject: (e: unknown) => void }> = [];
  private settled = 0;

  get pendingRecords(): number {
    return this.sends.length - this.settled;
  }

  send(topic: string, key: string, value: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.sends.push({
        topic,
        key,
        value,
        resolve: () => {
          this.settled += 1;
          resolve();
        },
        reject: (e) => {
          this.settled += 1;
          reject(e);
        },
      });
    });
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('producerEventPort', () => {
  it('sends one record to the topic and resolves with its ack', async () => {
    const producer = new HeldProducer();
    let acked = false;
    const sent = producerEventPort(producer, 'raw').send('u-1', '{"a":1}').then(() => (acked = true));
    expect(producer.sends.map(({ topic, key, value }) => ({ topic, key, value }))).toEqual([{ topic: 'raw', key: 'u-1', value: '{"a":1}' }]);
    await tick();
    expect(acked).toBe(false);
    producer.sends[0]!.resolve();
    await sent;
    expect(acked).toBe(true);
  });
});

describe('producerSinkPort', () => {
  it('queues every record at once and resolves only when all are acked', async () => {
    const producer = new HeldProducer();
    const sink = producerSinkPort(producer, 'raw', { maxPendingRecords: 10 });
    let done = false;
    const sending = sink.send([{ key: 'a', value: '1' }, { key: 'b', value: '2' }, { key: 'c', value: '3' }]).then(() => (done = true));
    expect(producer.sends.map((s) => s.key)).toEqual(['a', 'b', 'c']);
    producer.sends[0]!.resolve();
    producer.sends[2]!.resolve();
    await tick();
    expect(done).toBe(false);
    producer.sends[1]!.resolve();
    await sending;
    expect(done).toBe(true);
  });

  it('rejects with the first failure, but only after every record has settled', async () => {
    const producer = new HeldProducer();
    const sink = producerSinkPort(producer, 'raw', { maxPendingRecords: 10 });
    let outcome: unknown;
    const sending = sink.send([{ key: 'a', value: '1' }, { key: 'b', value: '2' }]).catch((e: unknown) => (outcome = e));
    producer.sends[0]!.reject(new Error('not leader'));
    await tick();
    expect(outcome).toBeUndefined();
    producer.sends[1]!.resolve();
    await sending;
    expect((outcome as Error).message).toBe('not leader');
  });

  it('is backpressured exactly while pendingRecords ≥ maxPendingRecords', async () => {
    const producer = new HeldProducer();
    const sink = producerSinkPort(producer, 'raw', { maxPendingRecords: 2 });
    expect(sink.isBackpressured()).toBe(false);
    void sink.send([{ key: 'a', value: '1' }]);
    expect(sink.isBackpressured()).toBe(false);
    void sink.send([{ key: 'b', value: '2' }]);
    expect(sink.isBackpressured()).toBe(true);
    producer.sends[0]!.resolve();
    expect(sink.isBackpressured()).toBe(false);
  });

  it('refuses a limit below 1', () => {
    expect(() => producerSinkPort(new HeldProducer(), 'raw', { maxPendingRecords: 0 })).toThrow(StreamproofError);
  });
});
