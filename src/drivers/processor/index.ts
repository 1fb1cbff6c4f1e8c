import { builtinProcessor } from './builtin.js';
import { externalProcessor } from './external.js';
import { flinkProcessor } from './flink.js';
import { kafkaStreamsProcessor } from './kafka-streams.js';

/** Registered processor kinds: one line each. The first is the default. */
export const PROCESSOR_DRIVERS = [builtinProcessor, kafkaStreamsProcessor, flinkProcessor, externalProcessor] as const;
