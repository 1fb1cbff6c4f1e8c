import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { ERROR_CODES, StreamproofError, type ErrorCode } from '../../base/errors.js';

/**
 * Runs a short-lived command (mvn, pip, StorageTool, apt-get) to completion with its output in
 * a log file; a failure becomes a StreamproofError carrying the output's tail.
 */
export function runToCompletion(
  command: string,
  args: string[],
  logFile: string,
  options: { env?: NodeJS.ProcessEnv; code?: ErrorCode; hint?: string } = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => chunks.push(d));
    child.on('error', reject);
    child.on('close', async (code) => {
      const output = Buffer.concat(chunks).toString('utf8');
      await writeFile(logFile, output).catch(() => undefined);
      if (code === 0) return resolve();
      const tail = output.trim().split('\n').slice(-15).join('\n');
      reject(
        new StreamproofError(options.code ?? ERROR_CODES.SERVICE_UNHEALTHY, `\`${command} ${args.slice(0, 8).join(' ')}\` exited with ${code}:\n${tail}`, {
          hint: `full output in ${logFile}${options.hint ? `; ${options.hint}` : ''}`,
        }),
      );
    });
  });
}
