import { Admin } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';

/**
 * The admin side of the Kafka adapter: cluster metadata, topics and their configs, offsets.
 * Callers get plain data back (numbers, strings), never client types.
 */
export interface TopicDescription {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
  /** Per partition: leader, replicas and in-sync replicas (broker ids). */
  partitionDetails: Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>;
}

export interface TopicToCreate {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

const TOPIC_RESOURCE_TYPE = 2; // Kafka ConfigResource.Type.TOPIC

export class KafkaAdmin {
  readonly #admin: Admin;

  constructor(kafka: KafkaEndpoints, clientId = 'streamproof-admin') {
    this.#admin = new Admin(kafkaConnectionOptions(kafka, clientId) as ConstructorParameters<typeof Admin>[0]);
  }

  /** Broker ids currently registered in the cluster metadata. */
  async brokerIds(): Promise<number[]> {
    const metadata = await this.#admin.metadata({ topics: [], forceUpdate: true });
    return [...metadata.brokers.keys()].sort((a, b) => a - b);
  }

  async listTopics(): Promise<string[]> {
    return this.#admin.listTopics();
  }

  async describeTopic(name: string, configKeys: string[]): Promise<TopicDescription | null> {
    const topics = await this.#admin.listTopics();
    if (!topics.includes(name)) return null;
    const metadata = await this.#admin.metadata({ topics: [name], forceUpdate: true });
    const topic = metadata.topics.get(name);
    if (!topic) return null;
    const described = await this.#admin.describeConfigs({
      resources: [{ resourceType: TOPIC_RESOURCE_TYPE, resourceName: name, configurationKeys: configKeys }],
    } as Parameters<Admin['describeConfigs']>[0]);
    const configs: Record<string, string> = {};
    for (const entry of described[0]?.configs ?? []) {
      if (entry.value !== null && entry.value !== undefined) configs[entry.name] = String(entry.value);
    }
    const partitionDetails = topic.partitions.map((p, partition) => ({
      partition,
      leader: p.leader,
      replicas: [...p.replicas],
      isr: [...p.isr],
    }));
    return {
      name,
      partitions: topic.partitionsCount,
      replicationFactor: topic.partitions[0]?.replicas.length ?? 0,
      configs,
      partitionDetails,
    };
  }

  /**
   * Creates the topic; 'exists' when the controller already has it (metadata on the broker we
   * asked first may lag the controller, so a describe can miss a topic that exists).
   */
  async createTopic(topic: TopicToCreate): Promise<'created' | 'exists'> {
    try {
      await this.#admin.createTopics({
        topics: [topic.name],
        partitions: topic.partitions,
        replicas: topic.replicationFactor,
        configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
      });
      return 'created';
    } catch (error) {
      if (/already exists/i.test(errorText(error))) return 'exists';
      throw error;
    }
  }

  /** Describes a topic, waiting (bounded) until every broker's metadata has caught up with it. */
  async waitForTopic(name: string, configKeys: string[], timeoutMs = 15_000): Promise<TopicDescription> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const described = await this.describeTopic(name, configKeys).catch(() => null);
      if (described && described.partitionDetails.every((p) => p.leader >= 0)) return described;
      if (Date.now() > deadline) throw new Error(`topic ${name} did not appear in the cluster metadata within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  async deleteTopics(names: string[]): Promise<void> {
    if (names.length > 0) await this.#admin.deleteTopics({ topics: names });
  }

  /** Latest offsets (high watermarks, or last stable offsets with read_committed) per partition. */
  async endOffsets(topic: string, partitions: number, readCommitted = true): Promise<bigint[]> {
    const result = await this.#admin.listOffsets({
      topics: [{ name: topic, partitions: Array.from({ length: partitions }, (_, partitionIndex) => ({ partitionIndex, timestamp: -1n })) }],
      isolationLevel: readCommitted ? 1 : 0,
    } as Parameters<Admin['listOffsets']>[0]);
    const offsets = new Array<bigint>(partitions).fill(0n);
    for (const p of result[0]?.partitions ?? []) offsets[p.partitionIndex] = p.offset;
    return offsets;
  }

  /** Committed offsets of a consumer group per partition of a topic (-1 = none). */
  async groupOffsets(groupId: string, topic: string): Promise<Map<number, bigint>> {
    const result = await this.#admin.listConsumerGroupOffsets({ groups: [groupId] });
    const offsets = new Map<number, bigint>();
    for (const t of result[0]?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) offsets.set(p.partitionIndex, p.committedOffset);
    }
    return offsets;
  }

  /**
   * The broker id coordinating each key: a consumer group (`group`) or a transactional id
   * (`transaction`). Asking creates nothing; fault tests use it to kill the worst broker.
   */
  async coordinators(kind: 'group' | 'transaction', keys: string[]): Promise<Map<string, number>> {
    const found = await this.#admin.findCoordinator({ keyType: kind === 'group' ? 0 : 1, keys } as Parameters<Admin['findCoordinator']>[0]);
    return new Map(found.map((c) => [c.key, c.nodeId]));
  }

  async close(): Promise<void> {
    await this.#admin.close();
  }
}

export async function withKafkaAdmin<T>(kafka: KafkaEndpoints, fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = new KafkaAdmin(kafka);
  try {
    return await fn(admin);
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** The client nests broker errors (`errors[]`); search the whole chain for the reason. */
function errorText(error: unknown): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (!(e instanceof Error) || depth > 4) return;
    parts.push(e.message);
    for (const inner of (e as Error & { errors?: unknown[] }).errors ?? []) visit(inner, depth + 1);
    visit(e.cause, depth + 1);
  };
  visit(error, 0);
  return parts.join(' | ');
}
