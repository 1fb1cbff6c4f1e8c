import { builtinProcessor } from './builtin.js';
import { kafkaStreamsProcessor } from './kafka-streams.js';

/** Registered processor kinds: one line each. The first is the default. */
export const PROCESSOR_DRIVERS = [builtinProcessor, kafkaStreamsProcessor] as const;
