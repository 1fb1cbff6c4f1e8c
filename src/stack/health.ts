import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { withKafkaAdmin } from '../kafka/admin.js';
import type { KafkaEndpoints } from '../base/endpoints.js';

/**
 * Health probes, each bounded in time. A probe answers "healthy or not, and why" — it never
 * throws for an unhealthy service; the waiting helpers turn a timeout into an error carrying
 * the service's last log lines.
 */
export interface ProbeResult {
  healthy: boolean;
  detail: string;
}

export async function probeHttp(url: string, timeoutMs = 2_000): Promise<ProbeResult> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    return { healthy: response.ok, detail: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as Error & { cause?: { code?: string } }).cause?.code;
    return { healthy: false, detail: cause ?? (error as Error).message };
  }
}

/**
 * moto's health: its data endpoint (`/moto-api/data.json`). That endpoint answers 500 once a
 * bucket has been deleted (a moto bug), so a 500 there is confirmed against the S3 API itself
 * before moto is called unhealthy.
 */
export async function probeMoto(endpoint: string, timeoutMs = 2_000): Promise<ProbeResult> {
  const data = await probeHttp(`${endpoint}/moto-api/data.json`, timeoutMs);
  if (data.healthy || data.detail !== 'HTTP 500') return data;
  const s3 = await probeHttp(`${endpoint}/`, timeoutMs);
  return { healthy: s3.healthy, detail: `data endpoint HTTP 500 (moto bug after a bucket deletion); S3 API ${s3.detail}` };
}

export async function probeKafka(kafka: KafkaEndpoints, expectedBrokers: number, timeoutMs = 5_000): Promise<ProbeResult> {
  try {
    const ids = await Promise.race([
      withKafkaAdmin(kafka, (admin) => admin.brokerIds()),
      sleep(timeoutMs).then(() => {
        throw new Error(`no metadata answer within ${timeoutMs} ms`);
      }),
    ]);
    const healthy = ids.length >= expectedBrokers;
    return { healthy, detail: `${ids.length}/${expectedBrokers} brokers in metadata${ids.length ? ` (ids ${ids.join(',')})` : ''}` };
  } catch (error) {
    return { healthy: false, detail: (error as Error).message };
  }
}

export interface WaitOptions {
  service: string;
  timeoutMs: number;
  intervalMs?: number;
  /** Called between probes: throw to stop waiting early (e.g. the process died). */
  stillRunning?: () => void;
  /** Last log lines for the error message. */
  logTail?: () => string;
}

export async function waitUntilHealthy(probe: () => Promise<ProbeResult>, options: WaitOptions): Promise<ProbeResult> {
  const deadline = Date.now() + options.timeoutMs;
  let last: ProbeResult = { healthy: false, detail: 'not probed yet' };
  while (Date.now() < deadline) {
    options.stillRunning?.();
    last = await probe();
    if (last.healthy) return last;
    await sleep(options.intervalMs ?? 500);
  }
  throw new StreamproofError(
    ERROR_CODES.SERVICE_UNHEALTHY,
    `${options.service} did not become healthy within ${Math.round(options.timeoutMs / 1000)} s (last probe: ${last.detail})` +
      (options.logTail ? `\n--- last log lines of ${options.service} ---\n${options.logTail()}` : ''),
    { hint: `see \`npm run stack -- logs ${options.service}\`; a slow machine may need STREAMPROOF_HEALTH_TIMEOUT_S=300` },
  );
}

export function healthTimeoutMs(defaultS: number): number {
  const fromEnv = Number(process.env.STREAMPROOF_HEALTH_TIMEOUT_S);
  return (Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : defaultS) * 1000;
}
