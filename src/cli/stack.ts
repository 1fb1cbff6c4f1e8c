import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';
import { log } from './run-cli.js';
import { expectPositionals, numberFlag, pickSubcommand, runCommand, type CommandSpec } from './args.js';
import { stackDown, stackLogs, stackStatus, stackUp, type StackUpOptions } from '../stack/stack-control.js';
import { describeEndpoints } from '../stack/describe.js';

const SPEC: CommandSpec = {
  invocation: 'npm run stack --',
  usage: '<command> [options]',
  subcommands: [
    { name: 'up', description: 'start the stack (or report and reuse the one already up)' },
    { name: 'status', description: 'show every service, its PID and health' },
    { name: 'down', description: "stop exactly the processes 'up' started and remove their data" },
    { name: 'logs', args: '<service> [--lines N]', description: "last lines of a service's log (kafka-1, kafka-2, kafka-3, moto, prometheus, toxiproxy)" },
    { name: 'provision', description: 'create the topics, S3 bucket and Firehose stream (idempotent)' },
  ],
  flags: [
    { name: 'brokers', value: '1|3', description: 'up: Kafka nodes (default 3)' },
    { name: 'provider', value: 'native|compose', description: 'up: native = real services as local processes (default; no Docker); compose = docker-compose.yml' },
    { name: 'port-offset', value: 'N', description: 'up: shift every port by N (or STREAMPROOF_PORT_OFFSET)' },
    { name: 'toxiproxy', value: undefined, description: 'up (native): also run Toxiproxy in front of every broker, for network faults (built with Go on first use)' },
    { name: 'lines', value: 'N', description: 'logs: how many lines (default 100)' },
  ],
  footer: `environment:
  STREAMPROOF_CACHE_DIR      install cache (default ~/.cache/streamproof)
  STREAMPROOF_STATE_DIR      state file and service data (default <cache>/state)
  STREAMPROOF_HEALTH_TIMEOUT_S  health wait per service (default 120 Kafka, 60 others)
  STREAMPROOF_KAFKA_BOOTSTRAP, STREAMPROOF_AWS_ENDPOINT, ...  external provider (docs/stack.md)`,
};

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

runCommand(SPEC, async ({ values: raw, positionals }) => {
  const values = raw as Record<string, string | undefined>;
  const [command, ...rest] = positionals;
  const { name } = pickSubcommand(SPEC, command);
  expectPositionals(SPEC, rest, 0, name === 'logs' ? 1 : 0, name === 'logs' ? 'one service name after `logs`' : `nothing after \`${name}\``);
  switch (name) {
    case 'up': {
      const options: StackUpOptions = {
        brokers: parseBrokers(values.brokers),
        provider: parseProvider(values.provider),
        portOffset: parseOffset(values['port-offset']),
        log,
        ...(raw.toxiproxy ? { toxiproxy: true } : {}),
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
      await stackLogs(service, numberFlag(raw, 'lines', { min: 1, integer: true, fallback: 100 })!, (line) => process.stdout.write(`${line}\n`));
      return EXIT.OK;
    }
    case 'provision': {
      const { provisionForCli } = await import('../stack/provision.js');
      await provisionForCli(log);
      return EXIT.OK;
    }
    default:
      throw new StreamproofError(ERROR_CODES.UNEXPECTED, `command "${name}" is listed but not handled`);
  }
});
