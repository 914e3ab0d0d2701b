/**
 * End-to-end support: finds a Chromium for Playwright and says which one it uses, builds the
 * renderer once, and starts browser mode (a real engine and server) for a test.
 *
 * Browser, in order: $BASEPLATE_CHROMIUM, Debian's /usr/bin/chromium, Playwright's own download
 * (if one was installed with `npx playwright install chromium`). Without one, the tests fail under
 * CI and are skipped with a message elsewhere.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { Engine } from '../../src-main/engine/engine';
import { startWebServer, type WebServer } from '../../src-main/web/web-server';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ARTIFACTS = path.join(ROOT, 'test/e2e/artifacts');

export function findChromium(): { path: string; source: string } | null {
  const env = process.env.BASEPLATE_CHROMIUM;
  if (env) return fs.existsSync(env) ? { path: env, source: '$BASEPLATE_CHROMIUM' } : null;
  if (fs.existsSync('/usr/bin/chromium')) return { path: '/usr/bin/chromium', source: "Debian's chromium package" };
  try {
    const own = chromium.executablePath();
    if (own && fs.existsSync(own)) return { path: own, source: "Playwright's own Chromium" };
  } catch {
    // none installed
  }
  return null;
}

let announced = false;
export async function launchBrowser(): Promise<Browser> {
  const found = findChromium();
  if (!found) throw new Error('No Chromium found: set BASEPLATE_CHROMIUM, install Debian\'s chromium, or run `npx playwright install chromium`.');
  if (!announced) {
    process.stderr.write(`[e2e] browser: ${found.path} (${found.source})\n`);
    announced = true;
  }
  return chromium.launch({
    executablePath: found.path,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

let built: Promise<string> | null = null;
/** Builds the renderer into a folder of its own (once per test process). */
export function buildRenderer(): Promise<string> {
  built ??= (async () => {
    // A folder per test process: test files run in parallel, and a build empties its folder first.
    const outDir = path.join(ROOT, `out/e2e-renderer-${process.pid}`);
    process.once('exit', () => fs.rmSync(outDir, { recursive: true, force: true }));
    await build({ configFile: path.join(ROOT, 'vite.web.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false } });
    return outDir;
  })();
  return built;
}

export interface BrowserMode {
  engine: Engine;
  server: WebServer;
  close(): Promise<void>;
}

export interface BrowserModeOptions {
  /** Who the engine's changes are attributed to. Default 'e2e'. */
  actor?: string;
  /** The engine's own folder (team sign-ins); each engine in a test needs its own temp dir. */
  dataDir?: string;
}

export async function startBrowserMode(options: BrowserModeOptions = {}): Promise<BrowserMode> {
  const staticDir = await buildRenderer();
  const engine = new Engine({ actor: options.actor ?? 'e2e', ...(options.dataDir ? { dataDir: options.dataDir } : {}) });
  const server = await startWebServer({ engine, staticDir });
  return {
    engine,
    server,
    close: async () => {
      await server.close();
      engine.close();
    },
  };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, `${name}.png`);
}

/** From the start screen: creates the base FILE by its path and a table in it, and waits for both. */
export async function createBaseAndTable(page: Page, file: string, table: string): Promise<void> {
  await page.getByLabel('Base file').fill(file);
  await page.getByRole('button', { name: 'Create new base' }).click();
  await page.getByText('This base has no tables yet').waitFor();
  await page.getByLabel('New table name').fill(table);
  await page.getByRole('button', { name: 'Add', exact: true }).click();
  await page.getByRole('heading', { name: table }).waitFor();
}
