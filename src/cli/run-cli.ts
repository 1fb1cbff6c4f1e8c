import { formatError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';

/**
 * How long a finished command may take to exit by itself while its last sockets and timers
 * close. A command's results are written before `main` resolves; a handle that some client
 * forgot to close must not turn a finished run into a hung one (a CI job waits on our exit).
 */
export const LINGER_MS = 10_000;

/**
 * Shared entry-point wrapper: runs `main`, prints any error with its hint, and exits with the
 * documented code (errors are harness errors = 2 unless main returns a code itself).
 */
export function runCli(main: () => Promise<number | void>): void {
  main().then(
    (code) => exitWhenIdle(code ?? EXIT.OK),
    (error: unknown) => {
      process.stderr.write(`${formatError(error)}\n`);
      exitWhenIdle(EXIT.HARNESS_ERROR);
    },
  );
}

/**
 * Lets the process end on its own (so stdout drains), and if something still holds it open
 * after LINGER_MS, names what (so the leak can be found) and exits with the same code.
 */
function exitWhenIdle(code: number): void {
  process.exitCode = code;
  const guard = setTimeout(() => {
    process.stderr.write(`warning: still held open ${LINGER_MS / 1000} s after finishing by ${describeOpenHandles()}; exiting with ${code} (everything was already written)\n`);
    process.exit(code);
  }, LINGER_MS);
  guard.unref(); // the guard itself must not be what keeps the process alive
}

/** e.g. "2 TCP sockets (127.0.0.1:19092, 127.0.0.1:14566), 1 timer". */
export function describeOpenHandles(): string {
  // _getActiveHandles is undocumented but stable since Node 0.x; it is the one way to see which
  // socket is open. getActiveResourcesInfo (documented) gives the kinds when it is absent.
  const handles = (process as unknown as { _getActiveHandles?: () => unknown[] })._getActiveHandles?.() ?? [];
  const sockets = handles.flatMap((h) => {
    const s = h as { remoteAddress?: string; remotePort?: number; constructor?: { name?: string } };
    return s.constructor?.name === 'Socket' && s.remoteAddress ? [`${s.remoteAddress}:${s.remotePort}`] : [];
  });
  const kinds = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  const parts = [...kinds].map(([kind, n]) => `${n} ${kind}`);
  return `${parts.join(', ') || 'nothing visible'}${sockets.length > 0 ? ` (sockets to ${sockets.join(', ')})` : ''}`;
}

export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}
