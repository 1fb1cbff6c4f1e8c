import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { runCommandSync } from '../../process/run-sync.js';

/**
 * Checks for the host tools the native stack needs, so a missing one is one clear message
 * (what is missing, how to install it) instead of a spawn ENOENT deep in a start sequence.
 */
export interface ToolCheck {
  tool: string;
  ok: boolean;
  detail: string;
  hint: string;
}

function run(command: string, args: string[]): { ok: boolean; output: string } {
  const result = runCommandSync(command, args, { timeoutMs: 20_000 });
  if (result.spawnError) return { ok: false, output: result.spawnError.message };
  if (result.timedOut) return { ok: false, output: `${command} ${args.join(' ')} did not answer within 20 s` };
  return { ok: result.ok, output: result.output };
}

export function javaMajorVersion(versionOutput: string): number | null {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return null;
  const major = Number(match[1]);
  // Java 8 and older report "1.8.0_..."
  return major === 1 ? Number(match[2]) : major;
}

export function checkJava(): ToolCheck {
  const { ok, output } = run('java', ['-version']);
  const major = ok ? javaMajorVersion(output) : null;
  const good = major !== null && major >= 17;
  return {
    tool: 'java',
    ok: good,
    detail: ok ? `found Java ${major ?? 'unknown'}` : 'java not found on PATH',
    hint: 'install a Java 17+ runtime, e.g. `apt-get install openjdk-17-jre-headless`',
  };
}

export function checkMaven(): ToolCheck {
  const { ok } = run('mvn', ['-v']);
  return { tool: 'mvn', ok, detail: ok ? 'found' : 'mvn not found on PATH', hint: 'install Maven, e.g. `apt-get install maven`' };
}

/** A JDK, not only a JRE: javac and jar build the brokers' JMX exporter agent, and Maven the JVM processors. */
export function checkJavac(): ToolCheck {
  const { ok } = run('javac', ['-version']);
  const hasJar = ok && run('jar', ['--version']).ok;
  return {
    tool: 'javac',
    ok: hasJar,
    detail: hasJar ? 'found' : 'javac/jar not found on PATH (a JRE alone cannot build the brokers\' JMX exporter agent or the JVM processors)',
    hint: 'install a Java 17+ JDK, e.g. `apt-get install openjdk-17-jdk-headless`',
  };
}

export function checkPythonVenv(python: string): ToolCheck {
  const { ok, output } = run(python, ['-c', 'import venv, ensurepip; print("ok")']);
  return {
    tool: 'python3 venv',
    ok,
    detail: ok ? 'found' : `${python} cannot create virtualenvs: ${output.trim().split('\n').pop() ?? ''}`,
    hint: 'install Python 3 with venv support, e.g. `apt-get install python3 python3-venv`',
  };
}

export function checkPrometheus(binary: string): ToolCheck {
  const { ok, output } = run(binary, ['--version']);
  return {
    tool: 'prometheus',
    ok,
    detail: ok ? output.split('\n')[0] ?? 'found' : `${binary} not found`,
    hint: "install Debian's package: `apt-get install prometheus` (streamproof never uses its system service)",
  };
}

/** `go version` output → [major, minor], e.g. "go version go1.26.8 linux/amd64" → [1, 26]. */
export function goVersion(output: string): [number, number] | null {
  const match = /go(\d+)\.(\d+)/.exec(output);
  return match ? [Number(match[1]), Number(match[2])] : null;
}

/** Toxiproxy 2.12.0's go.mod asks for Go 1.23. */
export const MIN_GO: [number, number] = [1, 23];

/** Go builds Toxiproxy from the Go module proxy (native network faults only). */
export function checkGo(): ToolCheck {
  const { ok, output } = run('go', ['version']);
  const version = ok ? goVersion(output) : null;
  const recent = version !== null && (version[0] > MIN_GO[0] || (version[0] === MIN_GO[0] && version[1] >= MIN_GO[1]));
  return {
    tool: 'go',
    ok: recent,
    detail: !ok
      ? 'go not found on PATH (it builds Toxiproxy for network faults)'
      : `found ${version ? `Go ${version.join('.')}` : output.trim()}, Toxiproxy needs Go ${MIN_GO.join('.')} or newer`,
    hint: `install a Go ${MIN_GO.join('.')}+ toolchain: \`apt-get install -y golang-go\` where the distribution's is that new (Debian 12's is Go 1.19, too old: there, a release from https://go.dev/dl unpacked into /usr/local/go, on PATH)`,
  };
}

export function checkDockerCompose(): ToolCheck {
  const plugin = run('docker', ['compose', 'version']);
  return {
    tool: 'docker compose',
    ok: plugin.ok,
    detail: plugin.ok ? plugin.output.trim() : 'docker compose is not available',
    hint: 'install Docker Engine with the compose plugin, or use the native provider: `--provider native`',
  };
}

export function assertTools(checks: ToolCheck[]): void {
  const missing = checks.filter((c) => !c.ok);
  if (missing.length === 0) return;
  throw new StreamproofError(
    ERROR_CODES.TOOL_MISSING,
    `missing tool${missing.length > 1 ? 's' : ''}: ${missing.map((c) => `${c.tool} (${c.detail})`).join('; ')}`,
    { hint: missing.map((c) => c.hint).join('; ') },
  );
}
