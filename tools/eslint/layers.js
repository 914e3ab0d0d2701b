// Dependency-direction rule for Baseplate's process layers (see ../shared/design/ARCHITECTURE.md).
// Each source file belongs to a layer by its path; a relative import may only reach a layer that
// the importing layer is allowed to use, and some layers may not import environment modules at all
// (src-shared is pure TypeScript: no Node, DOM-only or Electron modules).
import path from 'node:path';
import { builtinModules } from 'node:module';

/** Ordered: the first prefix that matches a repo-relative path names its layer. */
const LAYERS = [
  ['src-main/engine/', 'engine'],
  ['src-main/workers/', 'workers'],
  ['src-main/electron/', 'electron'],
  ['src-main/web/', 'web'],
  ['src-main/cli/', 'cli'],
  ['src-shared/', 'shared'],
  ['src-renderer/', 'renderer'],
  ['src-preload/', 'preload'],
  ['sync-server/', 'sync-server'],
  ['test/', 'test'],
];

/** layer -> layers it may import (itself is always allowed). */
const ALLOWED = {
  shared: [],
  renderer: ['shared'],
  preload: ['shared'],
  // The engine starts worker threads (its import worker, the extraction pool); workers never call back.
  engine: ['shared', 'workers'],
  workers: ['shared'],
  electron: ['engine', 'shared', 'workers'],
  web: ['engine', 'shared'],
  cli: ['engine', 'shared', 'web', 'workers'],
  'sync-server': ['shared'],
  test: ['engine', 'shared', 'workers', 'web', 'cli', 'sync-server', 'electron', 'renderer', 'preload'],
};

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Bare modules a layer may never import, whatever package.json holds. */
function forbiddenBare(layer, spec) {
  const isNode = NODE_BUILTINS.has(spec) || spec.startsWith('node:');
  const root = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
  switch (layer) {
    case 'shared':
      if (isNode) return 'src-shared is pure TypeScript and may not import Node built-ins';
      if (['electron', 'better-sqlite3', 'react', 'react-dom', 'pino'].includes(root))
        return `src-shared may not import '${root}' (environment-specific)`;
      return null;
    case 'renderer':
      if (isNode) return 'the renderer may not import Node built-ins; call the engine through EngineClient';
      if (['electron', 'better-sqlite3'].includes(root)) return `the renderer may not import '${root}'`;
      return null;
    case 'preload':
      if (isNode) return 'the preload runs sandboxed, without Node built-ins; ask the main process over a fixed IPC channel';
      if (root === 'better-sqlite3') return 'the preload may not import better-sqlite3';
      return null;
    case 'engine':
    case 'workers':
    case 'web':
    case 'cli':
    case 'sync-server':
      if (root === 'electron') return `${layer} must run without Electron and may not import 'electron'`;
      if (layer === 'workers' && root === 'better-sqlite3') return 'a worker never touches SQLite';
      return null;
    default:
      return null;
  }
}

function layerOf(root, file) {
  const rel = path.relative(root, file).split(path.sep).join('/');
  for (const [prefix, name] of LAYERS) if (rel.startsWith(prefix)) return name;
  return null;
}

export const layersPlugin = {
  rules: {
    'dependency-direction': {
      meta: {
        type: 'problem',
        docs: { description: 'Enforce the one-way dependency direction between process layers.' },
        schema: [],
      },
      create(context) {
        const root = context.cwd;
        const file = context.filename;
        const from = layerOf(root, file);
        if (!from) return {};
        function check(node, spec) {
          if (typeof spec !== 'string') return;
          if (spec.startsWith('.') || spec.startsWith('/')) {
            const target = layerOf(root, path.resolve(path.dirname(file), spec));
            if (!target || target === from) return;
            if (!(ALLOWED[from] ?? []).includes(target)) {
              context.report({ node, message: `Layer '${from}' may not import from layer '${target}' (${spec}).` });
            }
            return;
          }
          const why = forbiddenBare(from, spec);
          if (why) context.report({ node, message: why });
        }
        return {
          ImportDeclaration: (n) => check(n, n.source.value),
          ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
          ExportAllDeclaration: (n) => check(n, n.source.value),
          ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
        };
      },
    },
  },
};
