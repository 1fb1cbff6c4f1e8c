import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { KafkaAdmin } from '../../kafka/admin.js';
import { ProcessorIo, type Assignment, type DeliveryGuarantee, type InputRecord, type OutputMessage, type TransactionFence, type TransactionHooks } from '../../kafka/processor-io.js';
import { readTopicToEnd } from '../../kafka/topic-reader.js';
import type { KafkaEndpoints } from '../../base/endpoints.js';
import type { ChangelogRecord } from './changelog.js';

/**
 * The processor runtime's view of Kafka, as two small ports: the input side (a consumer-group
 * member with a transactional producer: ProcessorIo) and the state store (the changelog topic,
 * and offsets for lag). The runtime depends on these interfaces only.
 */
export interface ProcessorInput {
  start(onAssignment: (assignment: Assignment) => void): Promise<void>;
  nextBatch(maxRecords: number, maxWaitMs: number): Promise<InputRecord[]>;
  readonly streamEpoch: number;
  reseek(): Promise<number>;
  committedOffsets(partitions: number[], timeoutMs: number): Promise<Map<number, bigint>>;
  /** One batch's outputs and offsets: one transaction, or (at-least-once) sends then an offset commit. */
  commitTransaction(outputs: OutputMessage[], fence: TransactionFence, hooks?: TransactionHooks): Promise<void>;
  close(): Promise<void>;
}

export interface ProcessorStateStore {
  /** Checks the topics; returns raw-events' partition count. */
  validate(): Promise<{ inputPartitions: number }>;
  /**
   * The changelog records of `partitions`, in offset order, read with read_committed once no
   * transaction is open on those partitions (a previous owner's undecided transaction is waited
   * for, up to `timeoutMs`, so the state read is never missing a batch that commits later).
   */
  readChangelog(partitions: number[], timeoutMs: number): Promise<ChangelogRecord[]>;
  /** raw-events end offsets (for consumer lag). */
  inputEndOffsets(): Promise<bigint[]>;
  close(): Promise<void>;
}

export interface ProcessorPorts {
  /** A fresh input (a new group member); called again for a restart in place. */
  createInput(): ProcessorInput;
  store: ProcessorStateStore;
}

export interface KafkaPortsOptions {
  kafka: KafkaEndpoints;
  inputTopic: string;
  changelogTopic: string;
  groupId: string;
  transactionalId: string;
  clientId: string;
  transactionTimeoutMs: number;
  sessionTimeoutMs: number;
  guarantee: DeliveryGuarantee;
}

class KafkaStateStore implements ProcessorStateStore {
  readonly #options: KafkaPortsOptions;
  readonly #admin: KafkaAdmin;
  #inputPartitions = 0;
  #changelogPartitions = 0;

  constructor(options: KafkaPortsOptions) {
    this.#options = options;
    this.#admin = new KafkaAdmin(options.kafka, `${options.clientId}-state`);
  }

  async validate(): Promise<{ inputPartitions: number }> {
    const { inputTopic, changelogTopic } = this.#options;
    const input = await this.#admin.describeTopic(inputTopic, []);
    const changelog = await this.#admin.describeTopic(changelogTopic, []);
    if (!input || !changelog) {
      throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `topic ${input ? changelogTopic : inputTopic} does not exist`, {
        hint: 'provision the topology first (`npm run stack -- provision`, or the same --prefix the producer used)',
      });
    }
    if (changelog.partitions < input.partitions) {
      throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `${changelogTopic} has ${changelog.partitions} partitions, fewer than ${inputTopic} (${input.partitions})`, {
        hint: 'the changelog is co-partitioned with raw-events: give it at least as many partitions',
      });
    }
    this.#inputPartitions = input.partitions;
    this.#changelogPartitions = changelog.partitions;
    return { inputPartitions: input.partitions };
  }

  async readChangelog(partitions: number[], timeoutMs: number): Promise<ChangelogRecord[]> {
    if (partitions.length === 0) return [];
    const topic = this.#options.changelogTopic;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const stable = await this.#admin.endOffsets(topic, this.#changelogPartitions, true);
      const high = await this.#admin.endOffsets(topic, this.#changelogPartitions, false);
      if (partitions.every((p) => stable[p] === high[p])) break;
      if (Date.now() > deadline) {
        throw new StreamproofError(ERROR_CODES.TIMEOUT, `a transaction on ${topic} partitions ${partitions.join(',')} stayed open for ${timeoutMs / 1000} s`, {
          hint: 'a crashed instance blocks its partitions until the transaction timeout; is the transaction coordinator healthy?',
        });
      }
      await sleep(100);
    }
    const wanted = new Set(partitions);
    const records: ChangelogRecord[] = [];
    await readTopicToEnd(this.#options.kafka, topic, {
      readCommitted: true,
      timeoutMs,
      onRecord: (record) => {
        if (wanted.has(record.partition) && record.key !== null) records.push({ key: record.key, value: record.value });
      },
    });
    return records;
  }

  async inputEndOffsets(): Promise<bigint[]> {
    return this.#admin.endOffsets(this.#options.inputTopic, this.#inputPartitions, true);
  }

  async close(): Promise<void> {
    await this.#admin.close().catch(() => undefined);
  }
}

export function createKafkaPorts(options: KafkaPortsOptions): ProcessorPorts {
  return {
    createInput: () =>
      new ProcessorIo(options.kafka, {
        groupId: options.groupId,
        transactionalId: options.transactionalId,
        clientId: options.clientId,
        inputTopic: options.inputTopic,
        transactionTimeoutMs: options.transactionTimeoutMs,
        sessionTimeoutMs: options.sessionTimeoutMs,
        guarantee: options.guarantee,
      }),
    store: new KafkaStateStore(options),
  };
}
