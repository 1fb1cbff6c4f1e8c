import { PutRecordBatchCommand, type FirehoseClient } from '@aws-sdk/client-firehose';
import type { EntryOutcome, FirehosePutPort, PutBatchOutcome } from '../base/delivery-ports.js';
import { callErrorInfo } from './error-info.js';

/**
 * The Firehose put adapter: one PutRecordBatch call per putBatch, answered per entry in request
 * order. It never retries (the client is built with maxAttempts 1 and the sink owns retries) and
 * never throws for a service or transport failure: those come back as `kind: 'error'` facts.
 */
export function createFirehosePut(client: FirehoseClient, target: string): FirehosePutPort {
  return {
    target,
    async putBatch(streamName: string, records: readonly Uint8Array[]): Promise<PutBatchOutcome> {
      try {
        const answer = await client.send(
          new PutRecordBatchCommand({
            DeliveryStreamName: streamName,
            Records: records.map((data) => ({ Data: data })),
          }),
        );
        const entries: EntryOutcome[] = (answer.RequestResponses ?? []).map((entry) =>
          entry.ErrorCode
            ? { ok: false, errorCode: entry.ErrorCode, ...(entry.ErrorMessage ? { errorMessage: entry.ErrorMessage } : {}) }
            : { ok: true },
        );
        return { kind: 'response', entries };
      } catch (error) {
        return { kind: 'error', error: callErrorInfo(error) };
      }
    },
  };
}
