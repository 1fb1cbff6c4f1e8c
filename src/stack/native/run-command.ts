import { writeFile } from 'node:fs/promises';
import { ERROR_CODES, StreamproofError, type ErrorCode } from '../../base/errors.js';
import { runCommand } from '../../process/run.js';

/**
 * Runs a short-lived command (mvn, pip, StorageTool, apt-get) to completion with its output in
 * a log file; a failure becomes a StreamproofError carrying the output's tail. `env` is added
 * to ours.
 */
export async function runToCompletion(
  command: string,
  args: string[],
  logFile: string,
  options: { env?: NodeJS.ProcessEnv; code?: ErrorCode; hint?: string } = {},
): Promise<void> {
  const result = await runCommand(command, args, options.env ? { env: options.env } : {});
  if (result.spawnError) throw result.spawnError;
  await writeFile(logFile, result.output).catch(() => undefined);
  if (result.ok) return;
  const tail = result.output.trim().split('\n').slice(-15).join('\n');
  const ended = result.code === null ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  throw new StreamproofError(options.code ?? ERROR_CODES.SERVICE_UNHEALTHY, `\`${command} ${args.slice(0, 8).join(' ')}\` ${ended}:\n${tail}`, {
    hint: `full output in ${logFile}${options.hint ? `; ${options.hint}` : ''}`,
  });
}
