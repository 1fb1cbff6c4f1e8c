import { builtinProcessor } from './builtin.js';

/** Registered processor kinds: one line each. The first is the default. */
export const PROCESSOR_DRIVERS = [builtinProcessor] as const;
