import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { openStackSession } from '../../../src/runner/stack-session.js';
import { stackUp } from '../../../src/stack/stack-control.js';
import { validateScenario } from '../../../src/scenario/validate.js';

const base = {
  name: 'base',
  description: 'a valid scenario',
  load: { phases: [{ kind: 'constant', rateEventsPerS: 100, durationMs: '2m' }] },
};
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
});

// Both refusals happen before anything connects or starts, so no service is needed.
describe('stack settings a provider cannot honour are refused, not ignored', () => {
  it('external: stack.brokers must be the cluster broker count', async () => {
    process.env.STREAMPROOF_KAFKA_BOOTSTRAP = '127.0.0.1:9';
    delete process.env.STREAMPROOF_KAFKA_BROKERS;
    const { scenario } = validateScenario({ ...base, stack: { provider: 'external', brokers: 3 } });
    await expect(openStackSession(scenario, () => undefined)).rejects.toMatchObject({
      code: ERROR_CODES.INVALID_SCENARIO,
      message: 'stack.brokers is 3 but the external cluster has 1 broker(s) (STREAMPROOF_KAFKA_BROKERS, else the bootstrap list up to 3)',
      hint: 'run with --brokers 1, or set STREAMPROOF_KAFKA_BROKERS to the cluster\'s broker count',
    });
    process.env.STREAMPROOF_KAFKA_BROKERS = '3';
    const session = await openStackSession(scenario, () => undefined);
    expect(session.endpoints.kafka.brokers).toBe(3);
  });

  it('compose: one broker or a port offset is refused before docker is called', async () => {
    await expect(stackUp({ provider: 'compose', brokers: 1, portOffset: 0, log: () => undefined })).rejects.toMatchObject({
      code: ERROR_CODES.INVALID_ARGUMENT,
      message: 'the compose provider runs 3 brokers (docker-compose.yml), not 1',
    });
    await expect(stackUp({ provider: 'compose', brokers: 3, portOffset: 1000, log: () => undefined })).rejects.toMatchObject({
      code: ERROR_CODES.INVALID_ARGUMENT,
      message: expect.stringContaining('port offset 1000 cannot move them'),
    });
  });
});
