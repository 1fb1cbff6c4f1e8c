import { parseArgv, renderCommandHelp, type CommandSpec, type ParsedArgv } from '../base/args.js';
import { EXIT } from '../base/exit-codes.js';
import { runCli } from './run-cli.js';

export { expectPositionals, numberFlag, pickSubcommand, renderCommandHelp, type CommandSpec, type FlagSpec, type ParsedArgv } from '../base/args.js';

/**
 * Entry point of a command (docs/cli.md, "Writing a command"): parses argv with the shared
 * parser, answers -h/--help from the spec, runs `main` with the parsed arguments and exits with
 * its code; any error prints as `error [CODE]: message` + hint (exit 2).
 *
 *   runCommand(SPEC, async ({ values, positionals }) => { ...; return EXIT.OK; });
 */
export function runCommand(spec: CommandSpec, main: (args: ParsedArgv) => Promise<number | void>, argv: readonly string[] = process.argv.slice(2)): void {
  runCli(async () => {
    const args = parseArgv(argv, spec);
    if (args.help) {
      process.stdout.write(renderCommandHelp(spec));
      return EXIT.OK;
    }
    return main(args);
  });
}
