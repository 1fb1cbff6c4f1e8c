import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ERROR_CODES } from '../../base/errors.js';
import { cacheDir } from '../state.js';
import { repoRoot } from './install.js';
import { runToCompletion } from './run-command.js';
import { assertTools, checkJava, checkJavac, checkMaven } from './tools.js';

/**
 * The JVM processors (`processors/`: the contract core, Kafka Streams, Flink) built with Maven on
 * first use into the cache, the way the Kafka jars are installed. The build is keyed by a hash of
 * the Maven sources and the contract vectors their tests read, so any change rebuilds; the build
 * runs the modules' unit tests (the contract vectors among them), so a jar that breaks the
 * contract is never put in the cache. Sources are copied to a staging directory first: the work
 * tree gets no target/ folders and two builds never share one.
 */
export interface JvmProcessorBuild {
  /** `java -cp` value for an engine module: its jar and its runtime libraries. */
  classpath(module: JvmModule): string;
  /** The module's own (thin) jar. */
  jar(module: JvmModule): string;
  /** The Flink job jar for a cluster: the job, the core and the connector, no Flink runtime (a FlinkDeployment's jarURI). */
  flinkJobJar: string;
  hash: string;
}

export type JvmModule = 'kafka-streams' | 'flink';

const MODULES: Record<JvmModule, { jar: string; extra?: { from: string; to: string } }> = {
  'kafka-streams': { jar: 'kafka-streams-processor.jar' },
  flink: { jar: 'flink-processor.jar', extra: { from: 'processor-flink-1.0.0-job.jar', to: 'flink-processor-job.jar' } },
};

async function listFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name === 'target' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await listFiles(path)));
    else found.push(path);
  }
  return found.sort();
}

/** sha256 over the relative paths and contents of processors/ and the contract vectors. */
export async function jvmSourcesHash(): Promise<string> {
  const hash = createHash('sha256');
  const files = [...(await listFiles(join(repoRoot, 'processors'))), ...(await listFiles(join(repoRoot, 'test', 'fixtures', 'contract'))).filter((f) => f.endsWith('.json'))];
  for (const file of files) {
    hash.update(relative(repoRoot, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

function buildAt(base: string): JvmProcessorBuild & { base: string } {
  return {
    base,
    hash: base.slice(base.lastIndexOf('-') + 1),
    jar: (module) => join(base, module, MODULES[module].jar),
    flinkJobJar: join(base, 'flink', 'flink-processor-job.jar'),
    classpath: (module) => `${join(base, module, MODULES[module].jar)}:${join(base, module, 'lib', '*')}`,
  };
}

export async function ensureJvmProcessors(log: (line: string) => void): Promise<JvmProcessorBuild> {
  const hash = await jvmSourcesHash();
  const base = join(cacheDir(), `jvm-processors-${hash}`);
  const marker = join(base, '.complete');
  if (existsSync(marker)) return buildAt(base);
  assertTools([checkJava(), checkJavac(), checkMaven()]);
  log(`building the JVM processors (processors/, sources ${hash}) with Maven into ${base} (first use after a change only)`);
  const staging = join(cacheDir(), `jvm-processors-build-${process.pid}-${Date.now()}`);
  await rm(staging, { recursive: true, force: true });
  await mkdir(join(staging, 'test', 'fixtures'), { recursive: true });
  await cp(join(repoRoot, 'processors'), join(staging, 'processors'), { recursive: true, filter: (src) => !src.split('/').includes('target') });
  await cp(join(repoRoot, 'test', 'fixtures', 'contract'), join(staging, 'test', 'fixtures', 'contract'), { recursive: true });
  const logFile = join(cacheDir(), `jvm-processors-${hash}-build.log`);
  try {
    await runToCompletion('mvn', ['-B', '-f', join(staging, 'processors', 'pom.xml'), 'package'], logFile, {
      code: ERROR_CODES.INSTALL_FAILED,
      hint: 'a failing contract test fails the build (see the Surefire lines above); otherwise check that Maven Central is reachable',
    });
    const out = `${base}.staging-${process.pid}`;
    await rm(out, { recursive: true, force: true });
    for (const module of Object.keys(MODULES) as JvmModule[]) {
      const target = join(staging, 'processors', module, 'target');
      if (!existsSync(join(staging, 'processors', module, 'pom.xml'))) continue;
      await mkdir(join(out, module), { recursive: true });
      await cp(join(target, MODULES[module].jar), join(out, module, MODULES[module].jar));
      await cp(join(target, 'lib'), join(out, module, 'lib'), { recursive: true });
      const extra = MODULES[module].extra;
      if (extra) await cp(join(target, extra.from), join(out, module, extra.to));
    }
    await writeFile(join(out, '.complete'), `${hash}\n`);
    await rm(base, { recursive: true, force: true });
    await rename(out, base);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return buildAt(base);
}
