import { Admin } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../stack/endpoints.js';
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

  async createTopic(topic: TopicToCreate): Promise<void> {
    await this.#admin.createTopics({
      topics: [topic.name],
      partitions: topic.partitions,
      replicas: topic.replicationFactor,
      configs: Object.entries(topic.configs).map(([name, value]) => ({ name, value })),
    });
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
