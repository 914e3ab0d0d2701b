/**
 * Build of the renderer for browser mode (`npm run web`, `npm run build:web`): the same React app
 * Electron loads, as static files in out/renderer that `baseplate serve` serves.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig({
  root: resolve('src-renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve('out/renderer'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
});
