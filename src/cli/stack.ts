import { parseArgs } from 'node:util';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';
import { log, runCli } from './run-cli.js';
import { stackDown, stackLogs, stackStatus, stackUp, type StackUpOptions } from '../stack/stack-control.js';
import { describeEndpoints } from '../stack/describe.js';

const HELP = `usage: npm run stack -- <command> [options]

commands:
  up        start the stack (or report and reuse the one already up)
  status    show every service, its PID and health
  down      stop exactly the processes 'up' started and remove their data
  logs <service> [--lines N]   last lines of a service's log (kafka-1, kafka-2, kafka-3, moto, prometheus)
  provision create the topics, S3 bucket and Firehose stream (idempotent)

options for up:
  --brokers 1|3              Kafka nodes (default 3)
  --provider native|compose  native: real services as local processes (default; no Docker needed)
                             compose: docker-compose.yml (needs a Docker engine)
  --port-offset N            shift every port by N (or STREAMPROOF_PORT_OFFSET)

environment:
  STREAMPROOF_CACHE_DIR      install cache (default ~/.cache/streamproof)
  STREAMPROOF_STATE_DIR      state file and service data (default <cache>/state)
  STREAMPROOF_HEALTH_TIMEOUT_S  health wait per service (default 120 Kafka, 60 others)
  STREAMPROOF_KAFKA_BOOTSTRAP, STREAMPROOF_AWS_ENDPOINT, ...  external provider (docs/stack.md)
`;

function parseBrokers(value: string | undefined): 1 | 3 {
  if (value === undefined) return 3;
  if (value === '1' || value === '3') return Number(value) as 1 | 3;
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--brokers ${value} is not supported`, { hint: 'use --brokers 1 or --brokers 3' });
}

function parseProvider(value: string | undefined): 'native' | 'compose' {
  if (value === undefined || value === 'native' || value === 'compose') return value ?? 'native';
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--provider ${value} is not supported`, {
    hint: 'use --provider native or --provider compose (external stacks need no `up`: set STREAMPROOF_KAFKA_BOOTSTRAP)',
  });
}

function parseOffset(value: string | undefined): number {
  const raw = value ?? process.env.STREAMPROOF_PORT_OFFSET ?? '0';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0 || n > 40_000) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `port offset "${raw}" is not an integer in 0..40000`);
  }
  return n;
}

runCli(async () => {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      brokers: { type: 'string' },
      provider: { type: 'string' },
      'port-offset': { type: 'string' },
      lines: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(HELP);
    return command || values.help ? EXIT.OK : EXIT.HARNESS_ERROR;
  }
  switch (command) {
    case 'up': {
      const options: StackUpOptions = {
        brokers: parseBrokers(values.brokers),
        provider: parseProvider(values.provider),
        portOffset: parseOffset(values['port-offset']),
        log,
      };
      const controller = new AbortController();
      const onSigint = () => {
        log('interrupted: stopping what was started…');
        controller.abort(new StreamproofError(ERROR_CODES.INTERRUPTED, 'interrupted by the user during `stack up`'));
      };
      process.once('SIGINT', onSigint);
      process.once('SIGTERM', onSigint);
      try {
        const { state, reused, elapsedMs } = await stackUp({ ...options, signal: controller.signal });
        log(reused ? 'stack already up: reusing it' : `stack up in ${(elapsedMs / 1000).toFixed(1)} s`);
        process.stdout.write(describeEndpoints(state.endpoints));
      } catch (error) {
        if (controller.signal.aborted) return EXIT.INTERRUPTED;
        throw error;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
      return EXIT.OK;
    }
    case 'status':
      return (await stackStatus((line) => process.stdout.write(`${line}\n`))) ? EXIT.OK : EXIT.HARNESS_ERROR;
    case 'down':
      await stackDown(log);
      return EXIT.OK;
    case 'logs': {
      const service = rest[0];
      if (!service) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'logs needs a service name', { hint: 'e.g. `npm run stack -- logs kafka-1`' });
      await stackLogs(service, Number(values.lines ?? 100), (line) => process.stdout.write(`${line}\n`));
      return EXIT.OK;
    }
    case 'provision': {
      const { provisionForCli } = await import('../stack/provision.js');
      await provisionForCli(log);
      return EXIT.OK;
    }
    default:
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `unknown command "${command}"`, { hint: 'run `npm run stack -- --help`' });
  }
});
