import type { KafkaEndpoints } from '../../base/endpoints.js';
import type { ProducerTuning } from '../../kafka/producer.js';

/**
 * The messages between the sending thread and the producer thread (producer-thread.ts). Plain
 * data only: everything crosses the boundary by structured clone. Errors cross as their one-line
 * description (error-text.ts) and code, since Error classes do not survive a structured clone.
 */
export interface ProducerThreadData {
  kafka: KafkaEndpoints;
  producers: number;
  clientId: string;
  tuning: ProducerTuning;
}

export interface CrossedError {
  message: string;
  /** A StreamproofError's code, when it was one. */
  code?: string;
  hint?: string;
}

export type ToProducerThread =
  | { type: 'connect' }
  | { type: 'send'; id: number; topic: string; keys: string[]; values: string[] }
  | { type: 'close' };

export type FromProducerThread =
  | { type: 'connected' }
  | { type: 'connect-failed'; error: CrossedError }
  | { type: 'outcome'; id: number; failed: Array<{ index: number; error: CrossedError }> }
  | { type: 'closed' };
