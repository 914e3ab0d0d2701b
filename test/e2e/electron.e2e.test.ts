/**
 * Smoke test of the desktop app in a real Electron (Playwright's `_electron`): a window opens with
 * the sandboxed bridge and no Node in the page, a base is created, a table added and a cell edited,
 * and after the app quits the base file holds the edit. It needs an Electron binary
 * (node_modules/electron/dist, or ELECTRON_OVERRIDE_DIST_PATH); where there is none, as on machines
 * without internet, it says so and skips.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { _electron, type ElectronApplication } from 'playwright-core';
import { buildDesktop, electronBinary } from '../../bin/electron-dev.mjs';
import { Engine } from '../../src-main/engine/engine';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { call } from '../bench/bench-util';
import { createBaseAndTable, screenshotPath } from './browser';

const binary = electronBinary();
if (!binary) {
  process.stderr.write(
    '[electron] SKIPPED: the Electron smoke test needs an Electron binary and this machine has none ' +
      "(run 'npx install-electron' where there is internet). The desktop build is still checked by 'npm run dist:check'.\n",
  );
}

describe.runIf(binary !== null)('desktop app (Electron)', () => {
  const tmp = makeTempDir();
  let app: ElectronApplication | null = null;
  afterAll(async () => {
    await app?.close().catch(() => undefined);
    tmp.cleanup();
  });

  it('opens a window, creates a base and a table, and edits a cell that is saved to the file', async () => {
    const { root, binding } = await buildDesktop();
    app = await _electron.launch({
      executablePath: binary!,
      args: [root],
      env: { ...process.env, BASEPLATE_SQLITE_BINDING: binding, BASEPLATE_USER_DATA: tmp.file('user-data') },
      timeout: 60_000,
    });
    const page = await app.firstWindow();
    await page.getByRole('heading', { name: 'Baseplate' }).waitFor();

    // The page has the bridge and nothing of Node or Electron.
    const exposure = await page.evaluate(() => {
      const g = globalThis as unknown as Record<string, unknown>;
      return { bridge: typeof g.baseplateDesktop, require: typeof g.require, process: typeof g.process, opened: (g.open as (u: string) => unknown)('https://example.com/') };
    });
    expect(exposure).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined', opened: null });
    expect(page.url().startsWith('app://baseplate/')).toBe(true);
    // Navigation away from the app is refused.
    await page.evaluate(() => {
      (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url().startsWith('app://baseplate/')).toBe(true);

    const file = tmp.file('desktop.base');
    await createBaseAndTable(page, file, 'Parts');
    await page.getByRole('button', { name: '+ Add record' }).click();
    await page.getByText('1 record', { exact: true }).waitFor();
    const nameCell = page.locator('.ag-row[row-index="0"] .ag-cell').first();
    await nameCell.dblclick();
    await page.keyboard.type('Hex bolt M8');
    await page.keyboard.press('Enter');
    await page.getByText('Hex bolt M8').waitFor();
    await page.screenshot({ path: screenshotPath('electron-grid') });

    // The window title names the open base.
    expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.getTitle())).toContain('desktop.base');
    await app.close();
    app = null;

    // The engine process closed the base on quit; the file holds the edit.
    const engine = new Engine();
    try {
      const { base } = (await call(engine, 'base.open', { path: file })) as { base: string };
      const page1 = (await call(engine, 'records.query', { base, table: 'Parts', keys: 'name' })) as { records: Array<{ fields: Record<string, unknown> }> };
      expect(page1.records.map((r) => r.fields.Name)).toEqual(['Hex bolt M8']);
    } finally {
      engine.close();
    }
  }, 300_000);
});
