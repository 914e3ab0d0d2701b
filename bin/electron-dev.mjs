// Running the desktop app from the repository (`npm start`, the Electron smoke test): where the
// Electron binary is, and a build of the app with better-sqlite3 compiled for Electron's ABI under
// out/native/ (the copy in node_modules stays Node's, for the CLI and the tests).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * The Electron binary, if one is installed. Read from the `electron` package's own files without
 * loading it: requiring it would try to download the binary.
 */
export function electronBinary() {
  const pkg = path.join(root, 'node_modules', 'electron');
  try {
    const rel = fs.readFileSync(path.join(pkg, 'path.txt'), 'utf8').trim();
    const dist = process.env.ELECTRON_OVERRIDE_DIST_PATH || path.join(pkg, 'dist');
    const file = path.join(dist, rel);
    return fs.existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** better-sqlite3 built for this Electron, made once per Electron version. */
async function electronSqliteBinding(version) {
  const dir = path.join(root, 'out', 'native', `electron-${version}-${process.platform}-${process.arch}`);
  const binding = path.join(dir, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (fs.existsSync(binding)) return binding;
  process.stderr.write(`Baseplate: building better-sqlite3 for Electron ${version} (once)…\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'baseplate-native', private: true, dependencies: { 'better-sqlite3': '*' } }));
  const from = path.join(root, 'node_modules', 'better-sqlite3');
  const nodeBuild = path.join(from, 'build');
  fs.cpSync(from, path.join(dir, 'node_modules', 'better-sqlite3'), {
    recursive: true,
    // Everything but Node's compiled output, which is rebuilt for Electron.
    filter: (src) => src !== nodeBuild && !src.startsWith(nodeBuild + path.sep),
  });
  const { rebuild } = await import('@electron/rebuild');
  await rebuild({ buildPath: dir, electronVersion: version, arch: process.arch, onlyModules: ['better-sqlite3'], force: true });
  if (!fs.existsSync(binding)) throw new Error(`better-sqlite3 was not built for Electron ${version} (expected ${binding})`);
  return binding;
}

/**
 * Builds the desktop app into out/ and returns what running it needs: the Electron-ABI
 * better-sqlite3 for BASEPLATE_SQLITE_BINDING.
 */
export async function buildDesktop() {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  const { build } = await import('electron-vite');
  await build({ root, logLevel: 'warn' });
  return { root, version, binding: await electronSqliteBinding(version) };
}

