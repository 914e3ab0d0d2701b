/** Where the built renderer is: `out/renderer` at the repository root (electron-vite's output). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function rendererDir(): string | null {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../out/renderer');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : null;
}
