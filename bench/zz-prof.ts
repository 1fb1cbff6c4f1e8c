import { ExpectedAccumulator } from '../src/verify/expected-stream.js';
import type { AnalyticsEvent } from '../src/workload/event.js';
const N = 3_000_000, USERS = 10_000, G = 'bench-1', T0 = 1_700_000_040_000;
const userIds = Array.from({ length: USERS }, (_, i) => `u-${String(i).padStart(6, '0')}`);
const acc = new ExpectedAccumulator({ windowMs: 60_000 });
for (let s = 99; s < N; s += 100) acc.addLate({ generatorId: G, seq: s });
const event = { schemaVersion: 1, eventId: '', generatorId: G, seq: 0, userId: '', sessionId: 's', type: 'page_view', page: '/', device: 'desktop', country: 'DE', value: null, eventTime: 0, intendedAt: 0 } as AnalyticsEvent;
const pos = { partition: 0, offset: 0 };
const t = performance.now();
for (let seq = 0; seq < N; seq++) { event.seq = seq; event.eventId = `${G}:${seq}`; event.userId = userIds[(seq * 7919) % USERS]!; event.eventTime = T0 + Math.floor(seq / 50); pos.offset = seq; acc.addEvent(event, pos); }
console.log('decoded', Math.round(N / (performance.now() - t) * 1000), '/s');
