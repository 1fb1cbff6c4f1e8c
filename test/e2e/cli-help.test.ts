import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/** Every command, as npm runs it, answers -h and --help (exit 0, its usage line) and rejects an unknown flag in one shape. */
const COMMANDS = ['scenario', 'stack', 'processor', 'compare', 'dashboards', 'sink', 'verify'];

function run(command: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `src/cli/${command}.ts`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('every command answers -h and --help', () => {
  for (const command of COMMANDS) {
    it(`npm run ${command}`, async () => {
      const [short, long, bogus] = await Promise.all([run(command, ['-h']), run(command, ['--help']), run(command, ['--bogus-flag'])]);
      for (const help of [short, long]) {
        expect(help.code, help.stderr).toBe(0);
        expect(help.stdout).toMatch(new RegExp(`^usage: npm run ${command} --`));
      }
      expect(short.stdout).toBe(long.stdout);
      expect(bogus.code).toBe(2);
      expect(bogus.stderr).toContain(`error [SP_INVALID_ARGUMENT]: unknown flag --bogus-flag for \`npm run ${command} --\``);
      expect(bogus.stderr).toContain(`hint: `);
      expect(bogus.stderr).toContain(`\`npm run ${command} -- --help\` lists every flag`);
    }, 60_000);
  }
});
