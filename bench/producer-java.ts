import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, StreamproofError } from '../src/base/errors.js';

/**
 * Kafka's own Java producer benchmark (org.apache.kafka.tools.ProducerPerformance, from the
 * kafka-tools jar in the native install cache), as the yardstick for bench:producer. It sends
 * random payloads of exactly --record-size bytes with null keys (Kafka 4 then uses the sticky
 * partitioner: whole batches to one partition at a time), as fast as it can (--throughput -1).
 */
export interface JavaPerfResult {
  records: number;
  recordsPerS: number;
  mbPerS: number;
  avgLatencyMs: number;
  maxLatencyMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  p999Ms: number;
  /** The run hit the time limit and was stopped: figures are from its last interim report. */
  timedOut: boolean;
  /** CPU time of the JVM (user + system, JVM start-up and JIT included) per record, µs; NaN if unreadable. */
  cpuUsPerRecord: number;
}

// "200000 records sent, 30520.4 records/sec (7.45 MB/sec), 1411.75 ms avg latency, 2331.00 ms max latency, 1389 ms 50th, 2014 ms 95th, 2212 ms 99th, 2304 ms 99.9th."
const FINAL = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, (\d+) ms 50th, (\d+) ms 95th, (\d+) ms 99th, (\d+) ms 99\.9th\.$/;
// "135909 records sent, 27111.3 records/sec (6.62 MB/sec), 1294.4 ms avg latency, 1832.0 ms max latency."
const INTERIM = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency\.$/;

export function parseProducerPerformance(output: string): Omit<JavaPerfResult, 'timedOut' | 'cpuUsPerRecord'> | null {
  const lines = output.split('\n').map((l) => l.trim());
  for (const line of [...lines].reverse()) {
    const m = FINAL.exec(line);
    if (m) {
      const n = m.slice(1).map(Number);
      return { records: n[0]!, recordsPerS: n[1]!, mbPerS: n[2]!, avgLatencyMs: n[3]!, maxLatencyMs: n[4]!, p50Ms: n[5]!, p95Ms: n[6]!, p99Ms: n[7]!, p999Ms: n[8]! };
    }
  }
  const interim = lines.map((l) => INTERIM.exec(l)).filter((m): m is RegExpExecArray => m !== null);
  if (interim.length === 0) return null;
  // Interim reports cover 5 s windows each: sum records, average rates weighted by records.
  const records = interim.reduce((s, m) => s + Number(m[1]), 0);
  const weighted = (i: number) => interim.reduce((s, m) => s + Number(m[i]) * Number(m[1]), 0) / records;
  return {
    records,
    recordsPerS: weighted(2),
    mbPerS: weighted(3),
    avgLatencyMs: weighted(4),
    maxLatencyMs: Math.max(...interim.map((m) => Number(m[5]))),
    p50Ms: Number.NaN,
    p95Ms: Number.NaN,
    p99Ms: Number.NaN,
    p999Ms: Number.NaN,
  };
}

export interface JavaPerfOptions {
  classpath: string;
  bootstrapServers: string[];
  topic: string;
  records: number;
  recordSizeBytes: number;
  /** Stop the JVM (by the PID we started) after this long. */
  timeLimitMs: number;
  /** Records/s ProducerPerformance paces itself to; default -1 (as fast as it can). */
  throughput?: number;
}

export function javaProducerArgs(options: JavaPerfOptions): string[] {
  return [
    '-Xmx512m',
    '-cp',
    options.classpath,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    options.topic,
    '--num-records',
    String(options.records),
    '--record-size',
    String(options.recordSizeBytes),
    '--throughput',
    String(options.throughput ?? -1),
    '--producer-props',
    `bootstrap.servers=${options.bootstrapServers.join(',')}`,
    'acks=all',
    'enable.idempotence=true',
  ];
}

export function runJavaProducerPerformance(options: JavaPerfOptions): Promise<JavaPerfResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('java', javaProducerArgs(options), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // utime + stime of the child from /proc (Linux), sampled until it exits.
    let cpuTicks = Number.NaN;
    const sampleCpu = (): void => {
      try {
        const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
        cpuTicks = Number(fields[11]) + Number(fields[12]);
      } catch {
        // exited, or not Linux: keep the last sample
      }
    };
    const sampler = setInterval(sampleCpu, 100);
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      // The JVM's shutdown hook closes the producer, which can wait on a slow cluster: insist.
      setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
    }, options.timeLimitMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      clearInterval(sampler);
      reject(new StreamproofError(ERROR_CODES.TOOL_MISSING, `cannot run java for ProducerPerformance: ${error.message}`, {
        hint: 'install Java 17 (the native stack needs it too), or pass --skip-java',
        cause: error,
      }));
    });
    child.on('exit', () => clearInterval(sampler));
    child.on('close', (code) => {
      clearTimeout(timer);
      const parsed = parseProducerPerformance(stdout);
      if (!parsed) {
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `ProducerPerformance exited with ${code} and printed no result:\n${(stdout + stderr).slice(-2000)}`, {
          hint: 'is the stack healthy? `npm run stack -- status`; the output above has Kafka\'s reason',
        }));
        return;
      }
      // Linux USER_HZ is 100 on every mainstream kernel: 1 tick = 10 ms.
      resolve({ ...parsed, timedOut, cpuUsPerRecord: (cpuTicks * 10_000) / parsed.records });
    });
  });
}
