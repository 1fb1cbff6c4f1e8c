import { durationMs } from '../../base/duration.js';

/**
 * The window semantics of docs/contract.md, common to every processor kind: each kind's own
 * settings are added to these in the scenario's `processor` section.
 */
export const windowSettingsShape = {
  windowMs: durationMs({ minMs: 1_000 }).prefault('60s').describe('tumbling event-time window length'),
  outOfOrdernessMs: durationMs().prefault('5s').describe('watermark delay: how far behind the newest event time a window may still receive events'),
  allowedLatenessMs: durationMs().prefault(0).describe('extra time after the watermark passes a window end before events for it are late'),
  idleTimeoutMs: durationMs({ minMs: 100 }).prefault('10s').describe('a partition with no events for this long stops holding the watermark back'),
};
