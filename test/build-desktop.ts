/**
 * Builds the desktop app (electron-vite, as `npm run build` does) into a folder of its own, for a
 * test or a benchmark that must not touch out/: `<dir>/main/engine.js`, its import worker beside
 * it, the preload and the renderer.
 */
import path from 'node:path';
import { build } from 'electron-vite';

const root = path.resolve(import.meta.dirname, '..');

export async function buildDesktop(dir: string): Promise<void> {
  const before = process.env.BASEPLATE_DESKTOP_OUT;
  process.env.BASEPLATE_DESKTOP_OUT = dir;
  try {
    await build({ root, logLevel: 'warn' });
  } finally {
    if (before === undefined) delete process.env.BASEPLATE_DESKTOP_OUT;
    else process.env.BASEPLATE_DESKTOP_OUT = before;
  }
}
