/**
 * Starts worker threads (the engine's import worker, the extraction pool). A worker written in
 * TypeScript (tests, the CLI, `npm start` before a build) is loaded through tsx, registered inside
 * the worker; a built `.js` worker starts directly.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

let builtDir: string | null = null;

/**
 * A bundled host (the desktop app's engine process) has its workers built beside it as
 * `NAME.js`; from now on they start from there instead of from their TypeScript sources.
 */
export function useBuiltWorkers(dir: string): void {
  builtDir = dir;
}

/** Where worker NAME starts: its built file in a bundled host, else `source`. */
export function workerUrl(name: string, source: URL): URL {
  return builtDir ? pathToFileURL(path.join(builtDir, `${name}.js`)) : source;
}

export function startWorker(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); })`;
  return new Worker(boot, { ...options, eval: true });
}
