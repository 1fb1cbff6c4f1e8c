import { httpIngest } from './http.js';
import { kafkaIngest } from './kafka.js';

/** Registered ingest kinds: one line each. The first is the default. */
export const INGEST_DRIVERS = [kafkaIngest, httpIngest] as const;
