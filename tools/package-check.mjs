#!/usr/bin/env node
// `npm run dist:check`: checks the packaging configuration (electron-builder.yml) where Electron
// cannot be downloaded. It builds the app, packages it for Linux as a plain folder (`--linux dir`)
// against a local stand-in for Electron's own files, and checks what went into the package: the
// bundles, the renderer, the icon, and better-sqlite3's native module unpacked beside the asar.
// The result is a configuration check only: the stand-in is not Electron, so the package cannot run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const electronVersion = require('electron/package.json').version;
const asar = require('@electron/asar');
const { build, Platform } = require('electron-builder');

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-package-check-'));
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
};

try {
  console.log('Building the app (electron-vite build)…');
  const { build: buildApp } = await import('electron-vite');
  await buildApp({ root, logLevel: 'warn' });

  // The stand-in: the file layout electron-builder copies from an Electron release for Linux, with
  // a script where the `electron` binary would be.
  const standIn = path.join(work, 'electron-stand-in');
  fs.mkdirSync(path.join(standIn, 'resources'), { recursive: true });
  fs.mkdirSync(path.join(standIn, 'locales'), { recursive: true });
  fs.writeFileSync(path.join(standIn, 'electron'), '#!/bin/sh\necho "This is a stand-in for Electron made by tools/package-check.mjs; it cannot run the app." >&2\nexit 1\n', { mode: 0o755 });
  fs.writeFileSync(path.join(standIn, 'version'), electronVersion);
  fs.writeFileSync(path.join(standIn, 'LICENSE'), 'Stand-in for the Electron release files.\n');

  const output = path.join(work, 'dist');
  console.log(`Packaging --linux dir against the stand-in (Electron ${electronVersion})…`);
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    publish: 'never',
    config: {
      extends: path.join(root, 'electron-builder.yml'),
      electronDist: standIn,
      electronVersion,
      // Rebuilding native modules for Electron needs its headers from the internet.
      npmRebuild: false,
      directories: { output, buildResources: 'build' },
    },
  });

  const unpacked = path.join(output, 'linux-unpacked');
  const resources = path.join(unpacked, 'resources');
  const archive = path.join(resources, 'app.asar');
  check(fs.existsSync(path.join(unpacked, 'baseplate')), 'the executable is named after the product (baseplate)');
  check(fs.existsSync(archive), 'resources/app.asar exists');
  const files = new Set(fs.existsSync(archive) ? asar.listPackage(archive, { isPack: false }).map((f) => f.replaceAll('\\', '/')) : []);
  const manifest = fs.existsSync(archive) ? JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8')) : {};
  for (const f of ['/package.json', '/out/main/main.js', '/out/main/engine.js', '/out/main/import.worker.js', '/out/main/extract.worker.js', '/out/preload/index.cjs', '/out/renderer/index.html', '/resources/icon.png']) {
    check(files.has(f), `app.asar holds ${f}`);
  }
  check([...files].some((f) => f.startsWith('/out/main/migrations/') && f.endsWith('.sql')), "app.asar holds the engine's SQL migrations");
  check(files.has(`/${manifest.main}`), `package.json's main (${manifest.main}) is in the archive`);
  check(![...files].some((f) => f.startsWith('/src-') || f.startsWith('/test/')), 'no source or test folders are packaged');
  check(![...files].some((f) => f.endsWith('.map')), 'no source maps are packaged');
  const nativeModule = path.join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  check(fs.existsSync(nativeModule), "better-sqlite3's native module is unpacked beside the archive");
  check(files.has('/node_modules/yjs/package.json') && files.has('/node_modules/better-sqlite3/package.json'), 'runtime dependencies are packaged');
  // Drawings: pages drawn in the extraction workers need @napi-rs/canvas's native module, unpacked.
  const canvasDir = path.join(resources, 'app.asar.unpacked', 'node_modules', '@napi-rs');
  const canvasNative = fs.existsSync(canvasDir) && fs.readdirSync(canvasDir).some((d) => d.startsWith('canvas-') && fs.readdirSync(path.join(canvasDir, d)).some((f) => f.endsWith('.node')));
  check(canvasNative, "@napi-rs/canvas's native module is unpacked beside the archive");
  check(files.has('/node_modules/@tesseract.js-data/eng/package.json'), "OCR's English model is packaged (no download at run time)");
  check([...files].some((f) => /^\/out\/renderer\/assets\/pdf\.worker\.min-[\w-]+\.mjs$/.test(f)), "pdf.js's worker is bundled with the renderer");
  check(!files.has('/node_modules/three/package.json'), 'three.js is bundled into the renderer, not packaged again as a module');
  check(![...files].some((f) => f.startsWith('/node_modules/@electric-sql/') || f.startsWith('/node_modules/pg/')), "the sync server's database drivers (PGlite, pg) are not packaged into the desktop app");
} catch (e) {
  failures.push(e instanceof Error ? e.message : String(e));
  console.error(e);
} finally {
  fs.rmSync(work, { recursive: true, force: true });
}

console.log(
  '\nThis was a configuration check of electron-builder.yml: the folder was packaged against a stand-in for Electron ' +
    '(none can be downloaded here) and without rebuilding native modules for Electron, so the result cannot run. ' +
    'On a machine with internet, `npm run dist` builds the real installers.',
);
if (failures.length > 0) {
  console.error(`\nPackaging check failed: ${failures.length} problem(s).`);
  process.exit(1);
}
console.log('Packaging check passed.');
