/**
 * electron-vite build of the desktop app (`npm start` with an Electron binary, `npm run dist`):
 *   out/main      the main process (main.js), the engine's utilityProcess (engine.js) and the
 *                 engine's worker threads (import.worker.js, extract.worker.js), sharing chunks in out/main/chunks;
 *   out/preload   the sandboxed preload: one CommonJS file with everything it uses inlined;
 *   out/renderer  the React app, the same bundle browser mode serves (vite.web.config.ts).
 */
import { cpSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';

/** Where the build goes: out/, or elsewhere for a test that must not touch out/. */
const OUT = resolve(process.env.BASEPLATE_DESKTOP_OUT ?? 'out');

/** The engine finds its SQL migrations beside its code (src-main/engine/db/base-file.ts). */
const copyMigrations = {
  name: 'baseplate-copy-migrations',
  closeBundle(): void {
    cpSync(resolve('src-main/engine/db/migrations'), resolve(OUT, 'main/migrations'), { recursive: true });
  },
};

export default defineConfig({
  main: {
    plugins: [copyMigrations],
    build: {
      outDir: resolve(OUT, 'main'),
      rollupOptions: {
        input: {
          main: resolve('src-main/electron/main.ts'),
          engine: resolve('src-main/electron/engine-process.ts'),
          'import.worker': resolve('src-main/engine/transfer/import.worker.ts'),
          'extract.worker': resolve('src-main/workers/extract/extract.worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: resolve(OUT, 'preload'),
      // A sandboxed preload cannot load other files: bundle zod and the contract into it.
      externalizeDeps: false,
      isolatedEntries: true,
      rollupOptions: {
        input: { index: resolve('src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src-renderer',
    base: './',
    plugins: [react()],
    build: {
      outDir: resolve(OUT, 'renderer'),
      emptyOutDir: true,
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: { index: resolve('src-renderer/index.html') } },
    },
  },
});
