import type { ProcessorOutputs } from './core.js';
import { encodeDlqValue, encodeLateValue } from './outputs.js';

/**
 * A batch's outputs as the records of its Kafka transaction (pure):
 *   - results   → processed-events, key `userId|windowStart`, value the WindowResult JSON;
 *   - late      → late-events, key = the raw record's key, value LateValue (outputs.ts);
 *   - dlq       → the DLQ topic, key = the raw record's key, value DlqValue with the reason;
 *   - changelog → the changelog topic, key = window or watermark key, null value = tombstone,
 *                 written to the partition of the raw-events partition it belongs to
 *                 (co-partitioned), so a new owner restores only its partitions' state.
 * A record without a key keeps an empty key (its position is in the value).
 */
export interface OutputTopics {
  processed: string;
  late: string;
  dlq: string;
  changelog: string;
}

export interface OutputRecord {
  topic: string;
  key: string;
  value: string | null;
  partition?: number;
}

export interface OutputCounts {
  results: number;
  late: number;
  dlq: number;
  changelog: number;
}

export function countOutputs(outputs: ProcessorOutputs): OutputCounts {
  return { results: outputs.results.length, late: outputs.late.length, dlq: outputs.dlq.length, changelog: outputs.changelog.length };
}

export function hasOutputs(outputs: ProcessorOutputs): boolean {
  return outputs.results.length + outputs.late.length + outputs.dlq.length + outputs.changelog.length > 0;
}

export function toOutputRecords(outputs: ProcessorOutputs, topics: OutputTopics): OutputRecord[] {
  const records: OutputRecord[] = [];
  for (const result of outputs.results) records.push({ topic: topics.processed, key: result.key, value: JSON.stringify(result) });
  for (const late of outputs.late) records.push({ topic: topics.late, key: late.key ?? '', value: encodeLateValue(late) });
  for (const dlq of outputs.dlq) records.push({ topic: topics.dlq, key: dlq.key ?? '', value: encodeDlqValue(dlq) });
  for (const entry of outputs.changelog) records.push({ topic: topics.changelog, key: entry.key, value: entry.value, partition: entry.partition });
  return records;
}
