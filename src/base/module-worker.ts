import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread on a module of this project. Under tsx the module is TypeScript, and
 * Node 20 does not carry the main thread's loader hooks into a worker, so the thread starts with
 * a tiny bootstrap that registers tsx's ESM loader in itself and then imports the module (a
 * compiled .js module needs none of this).
 */
export function startModuleWorker(moduleUrl: URL, options: Pick<WorkerOptions, 'workerData' | 'name'>): Worker {
  if (!moduleUrl.pathname.endsWith('.ts')) return new Worker(moduleUrl, options);
  const tsxApi = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(moduleUrl.href)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}
