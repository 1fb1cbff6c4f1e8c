import { formatError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';

/**
 * Shared entry-point wrapper: runs `main`, prints any error with its hint, and exits with the
 * documented code (errors are harness errors = 2 unless main returns a code itself).
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => {
      process.exitCode = code ?? EXIT.OK;
    },
    (error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      process.exitCode = EXIT.HARNESS_ERROR;
    },
  );
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
