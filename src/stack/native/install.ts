import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES } from '../../base/errors.js';
import { cacheDir } from '../state.js';
import { runToCompletion } from './run-command.js';
import { assertTools, checkGo, checkJava, checkJavac, checkMaven, checkPrometheus, checkPythonVenv } from './tools.js';

/**
 * First-use installation of the native stack into the cache (outside the repo), reused after:
 *  - Kafka jars resolved by Maven from the checked-in stack/kafka/pom.xml
 *  - moto server in its own virtualenv
 *  - Debian's prometheus (installed with apt-get when running as root, else a hint)
 *  - the brokers' JMX exporter agent, compiled from stack/kafka/jmx-exporter/ with the JDK's javac
 * A marker file written last makes a half-finished install redo itself instead of being reused.
 */
export const KAFKA_VERSION = '4.1.2';
export const MOTO_VERSION = '5.2.5';
/** Pinned: `@latest` resolves to an old 2.5.0 through this machine's module proxy. */
export const TOXIPROXY_VERSION = '2.12.0';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface NativeInstall {
  kafkaClasspath: string;
  /** The brokers' -javaagent jar and the rules file it reads (both absolute paths). */
  jmxExporter: { jar: string; rules: string };
  motoServer: string;
  prometheus: string;
}

type Log = (line: string) => void;

function runLogged(command: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): Promise<void> {
  return runToCompletion(command, args, logFile, {
    ...(env ? { env } : {}),
    code: ERROR_CODES.INSTALL_FAILED,
    hint: 'check that the package registry is reachable',
  });
}

async function fileHash(path: string): Promise<string> {
  return createHash('sha256').update(await readFile(path)).digest('hex').slice(0, 16);
}

export async function ensureKafkaJars(log: Log): Promise<string> {
  const pom = join(repoRoot, 'stack', 'kafka', 'pom.xml');
  const pomHash = await fileHash(pom);
  const base = join(cacheDir(), `kafka-${KAFKA_VERSION}`);
  const libs = join(base, 'libs');
  const marker = join(base, '.complete');
  if (existsSync(marker) && (await readFile(marker, 'utf8')).trim() === pomHash) return join(libs, '*');
  assertTools([checkMaven()]);
  log(`installing Apache Kafka ${KAFKA_VERSION} jars from Maven Central into ${libs} (first use only)`);
  await mkdir(base, { recursive: true });
  const staging = join(base, `libs.staging-${process.pid}`);
  await rm(staging, { recursive: true, force: true });
  await runLogged(
    'mvn',
    ['-B', '-q', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`, '-DincludeScope=runtime'],
    join(base, 'install.log'),
  );
  await rm(libs, { recursive: true, force: true });
  await rename(staging, libs);
  await writeFile(marker, `${pomHash}\n`);
  return join(libs, '*');
}

/**
 * The Prometheus JMX exporter's agent jar is not served by the Maven registry this machine
 * reaches, so the brokers' exporter is a one-file agent kept in the repo and built here with
 * javac + jar (JDK only, nothing downloaded). Rebuilt when its source changes (hash marker).
 */
export async function ensureJmxExporter(log: Log): Promise<{ jar: string; rules: string }> {
  const sourceDir = join(repoRoot, 'stack', 'kafka', 'jmx-exporter');
  const source = join(sourceDir, 'JmxExporterAgent.java');
  const rules = join(sourceDir, 'kafka-broker.rules');
  const hash = await fileHash(source);
  const base = join(cacheDir(), `jmx-exporter-${hash}`);
  const jar = join(base, 'jmx-exporter-agent.jar');
  const marker = join(base, '.complete');
  if (existsSync(marker) && existsSync(jar)) return { jar, rules };
  assertTools([checkJavac()]);
  log(`building the brokers' JMX exporter agent into ${base} (first use only)`);
  const classes = join(base, 'classes');
  await rm(base, { recursive: true, force: true });
  await mkdir(classes, { recursive: true });
  const logFile = join(base, 'build.log');
  await runToCompletion('javac', ['--release', '17', '-d', classes, source], logFile, { code: ERROR_CODES.INSTALL_FAILED });
  const manifest = join(base, 'MANIFEST.MF');
  await writeFile(manifest, 'Premain-Class: JmxExporterAgent\n');
  await runToCompletion('jar', ['cfm', jar, manifest, '-C', classes, '.'], logFile, { code: ERROR_CODES.INSTALL_FAILED });
  await writeFile(marker, `${hash}\n`);
  return { jar, rules };
}

export async function ensureMoto(log: Log, python = process.env.STREAMPROOF_PYTHON ?? 'python3'): Promise<string> {
  const venv = join(cacheDir(), `moto-${MOTO_VERSION}`);
  const server = join(venv, 'bin', 'moto_server');
  const marker = join(venv, '.complete');
  if (existsSync(marker) && existsSync(server)) return server;
  assertTools([checkPythonVenv(python)]);
  log(`installing moto[server]==${MOTO_VERSION} into ${venv} (first use only)`);
  await rm(venv, { recursive: true, force: true });
  await mkdir(dirname(venv), { recursive: true });
  const logFile = join(cacheDir(), `moto-${MOTO_VERSION}-install.log`);
  await runLogged(python, ['-m', 'venv', venv], logFile);
  await runLogged(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '-q', `moto[server]==${MOTO_VERSION}`], logFile);
  await writeFile(marker, `${MOTO_VERSION}\n`);
  return server;
}

export async function ensurePrometheus(log: Log): Promise<string> {
  const binary = process.env.STREAMPROOF_PROMETHEUS_BIN ?? 'prometheus';
  if (checkPrometheus(binary).ok) return binary;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    log("installing Debian's prometheus package with apt-get (first use only)");
    const logFile = join(cacheDir(), 'prometheus-install.log');
    await mkdir(cacheDir(), { recursive: true });
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    await runLogged('apt-get', ['update', '-qq'], logFile, env);
    await runLogged('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'prometheus'], logFile, env);
  }
  assertTools([checkPrometheus(binary)]);
  return binary;
}

/**
 * Toxiproxy's server, built once with `go install` from the Go module proxy into the cache
 * (`GOBIN=<cache>/toxiproxy-<version>`), only when a stack is asked for network faults. A cold
 * build downloads ~20 modules and compiles them: minutes on a busy machine; reused after.
 */
export async function ensureToxiproxy(log: Log): Promise<string> {
  const base = join(cacheDir(), `toxiproxy-${TOXIPROXY_VERSION}`);
  const server = join(base, 'server');
  const marker = join(base, '.complete');
  if (existsSync(marker) && existsSync(server)) return server;
  assertTools([checkGo()]);
  log(`building Toxiproxy ${TOXIPROXY_VERSION} with go install into ${base} (first use only; minutes on a cold Go cache)`);
  await mkdir(base, { recursive: true });
  await runLogged('go', ['install', `github.com/Shopify/toxiproxy/v2/cmd/server@v${TOXIPROXY_VERSION}`], join(base, 'install.log'), {
    ...process.env,
    GOBIN: base,
  });
  if (!existsSync(server)) throw new Error(`go install finished but ${server} is not there (see ${join(base, 'install.log')})`);
  await writeFile(marker, `${TOXIPROXY_VERSION}\n`);
  return server;
}

export async function ensureNativeInstall(log: Log): Promise<NativeInstall> {
  assertTools([checkJava()]);
  const kafkaClasspath = await ensureKafkaJars(log);
  const jmxExporter = await ensureJmxExporter(log);
  const motoServer = await ensureMoto(log);
  const prometheus = await ensurePrometheus(log);
  return { kafkaClasspath, jmxExporter, motoServer, prometheus };
}
