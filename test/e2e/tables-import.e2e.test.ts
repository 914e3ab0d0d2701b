/**
 * Tables and CSV import in the browser: import with preview, per-column types and skipped
 * columns; cancel a long import (nothing left behind); rename and delete a table, and undo.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { call as engineCall } from '../bench/bench-util';
import { findChromium, launchBrowser, screenshotPath, startBrowserMode, type BrowserMode } from './browser';

const haveBrowser = findChromium() !== null;

let tmp: ReturnType<typeof makeTempDir>;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
let base: string;

const call = <T,>(method: string, input: unknown): Promise<T> => engineCall<T>(mode.engine, method, input);

function writeCsv(name: string, rows: number): string {
  const lines = ['Part,Qty,Code,Status'];
  for (let i = 0; i < rows; i++) lines.push(`P-${i},${i % 100},${1000 + i},${['Open', 'Done'][i % 2]}`);
  const file = tmp.file(name);
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

describe.runIf(haveBrowser)('tables and CSV import in the browser', () => {
  beforeAll(async () => {
    tmp = makeTempDir();
    mode = await startBrowserMode();
    base = (await call<{ base: string }>('base.create', { path: tmp.file('import.base') })).base;
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(mode.server.url);
    await page.getByLabel('Base file').fill(tmp.file('import.base'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('This base has no tables yet').waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await mode?.close();
    tmp?.cleanup();
  });

  it('imports a CSV with a preview, a changed column type and a skipped column', async () => {
    const csv = writeCsv('parts.csv', 6_000);
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import CSV' });
    await dialog.getByLabel('CSV file').fill(csv);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('6,000 rows').waitFor();
    expect(await dialog.getByLabel('Type of column Code').inputValue()).toBe('number');
    await dialog.getByLabel('Type of column Code').selectOption('singleLineText');
    await dialog.getByLabel('Import column Status').uncheck();
    await page.screenshot({ path: screenshotPath('04-import-preview') });
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText("Imported 6,000 records into 'parts'.").waitFor();
    await page.getByText('6,000 records', { exact: true }).waitFor();
    await page.getByRole('columnheader', { name: 'Code' }).waitFor();
    expect(await page.getByRole('columnheader', { name: 'Status' }).count()).toBe(0);
    const schema = await call<{ tables: Array<{ name: string; fields: Array<{ name: string; type: string }> }> }>('schema.get', { base });
    expect(schema.tables[0]!.fields.map((f) => [f.name, f.type])).toEqual([
      ['Part', 'singleLineText'],
      ['Qty', 'number'],
      ['Code', 'singleLineText'],
    ]);
  });

  it('cancels a long import and leaves nothing behind', async () => {
    const csv = writeCsv('big.csv', 400_000);
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import CSV' });
    await dialog.getByLabel('CSV file').fill(csv);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('400,000 rows').waitFor({ timeout: 30_000 });
    await dialog.getByLabel('Into table').fill('Big');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByLabel('Import progress').waitFor();
    await dialog.getByRole('button', { name: 'Cancel import' }).click();
    await dialog.getByRole('alert').filter({ hasText: /cancelled/i }).waitFor({ timeout: 30_000 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    const schema = await call<{ tables: Array<{ name: string }> }>('schema.get', { base });
    expect(schema.tables.map((t) => t.name)).toEqual(['parts']);
  }, 60_000);

  it('imports 100k rows, scrolls to the last one, and finds everything again after a reload', async () => {
    const csv = writeCsv('hundred-k.csv', 100_000);
    await page.getByRole('button', { name: 'Import CSV…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import CSV' });
    await dialog.getByLabel('CSV file').fill(csv);
    await dialog.getByRole('button', { name: 'Preview' }).click();
    await dialog.getByText('100,000 rows').waitFor({ timeout: 30_000 });
    await dialog.getByLabel('Into table').fill('Hundred k');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await page.getByText("Imported 100,000 records into 'Hundred k'.").waitFor({ timeout: 60_000 });
    await page.getByText('100,000 records', { exact: true }).waitFor();

    const scrollToEnd = async (): Promise<void> => {
      // Ctrl+End in a focused cell goes to the last row, as in a spreadsheet.
      await page.locator('.ag-row[row-index="0"] .ag-cell:not([col-id="#"])').first().click();
      await page.keyboard.press('Control+End');
      await page.locator('.ag-row[row-index="99999"] .ag-cell', { hasText: 'P-99999' }).waitFor({ timeout: 30_000 });
    };
    await scrollToEnd();
    await page.screenshot({ path: screenshotPath('08-100k-bottom') });

    await page.reload();
    await page.getByRole('heading', { name: 'Baseplate' }).waitFor();
    await page.getByRole('region', { name: 'Recent bases' }).getByRole('button', { name: /import\.base$/ }).click();
    await page.getByRole('button', { name: 'Hundred k', exact: true }).click();
    await page.getByText('100,000 records', { exact: true }).waitFor();
    await scrollToEnd();
  }, 120_000);

  it('renames a table, deletes it after confirming, and brings it back with Ctrl+Z', async () => {
    await page.getByRole('button', { name: 'parts', exact: true }).click();
    await page.getByRole('button', { name: 'parts', exact: true }).dblclick();
    const input = page.getByLabel('Rename table parts');
    await input.fill('Parts list');
    await input.press('Enter');
    await page.getByRole('heading', { name: 'Parts list' }).waitFor();

    await page.getByRole('button', { name: 'Delete table Parts list' }).click();
    await page.getByRole('alertdialog', { name: 'Delete table Parts list?' }).getByRole('button', { name: 'Delete' }).click();
    await page.getByText("Deleted table 'Parts list'. Ctrl+Z brings it back.").waitFor();
    await expect.poll(() => page.getByRole('button', { name: 'Parts list', exact: true }).count()).toBe(0);
    await page.keyboard.press('Control+z');
    await page.getByRole('button', { name: 'Parts list', exact: true }).click();
    await page.getByRole('heading', { name: 'Parts list' }).waitFor();
    await page.getByText('6,000 records', { exact: true }).waitFor();
  });

  it('exports the view as CSV, moves tables with Alt+arrows, and fills down with Ctrl+D', async () => {
    await page.getByRole('button', { name: 'Parts list', exact: true }).click();
    await page.getByText('6,000 records', { exact: true }).waitFor();
    const out = tmp.file('export.csv');
    await page.getByRole('button', { name: 'Export CSV…' }).click();
    await page.getByLabel('Export to file').fill(out);
    await page.getByRole('dialog', { name: 'Export CSV' }).getByRole('button', { name: 'Export' }).click();
    await page.getByText(`Exported 6,000 records of 'Grid view' to ${out}.`).waitFor();
    const lines = fs.readFileSync(out, 'utf8').trim().split(/\r?\n/);
    expect(lines).toHaveLength(6001);
    expect(lines[0]).toBe('Part,Qty,Code');

    const order = async (): Promise<string[]> => (await call<{ tables: Array<{ name: string }> }>('schema.get', { base })).tables.map((t) => t.name);
    expect(await order()).toEqual(['Parts list', 'Hundred k']);
    await page.getByRole('button', { name: 'Hundred k', exact: true }).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await expect.poll(order).toEqual(['Hundred k', 'Parts list']);

    await page.getByRole('button', { name: 'Parts list', exact: true }).click();
    await page.getByText('6,000 records', { exact: true }).waitFor();
    const schema = await call<{ tables: Array<{ name: string; fields: Array<{ id: string; name: string }> }> }>('schema.get', { base });
    const qty = schema.tables.find((t) => t.name === 'Parts list')!.fields.find((f) => f.name === 'Qty')!.id;
    const qtyAt = async (i: number): Promise<string> => (await page.locator(`.ag-row[row-index="${i}"] [col-id="${qty}"]`).innerText()).trim();
    await expect.poll(() => qtyAt(0)).not.toBe('');
    const above = await qtyAt(0);
    expect(await qtyAt(1)).not.toBe(above);
    await page.locator(`.ag-row[row-index="1"] [col-id="${qty}"]`).click();
    await page.keyboard.press('Control+d');
    await expect.poll(() => qtyAt(1)).toBe(above);
  });

  it('groups a view by a field: collapsible groups with counts, records under an expanded group', async () => {
    await page.getByRole('button', { name: 'Hundred k', exact: true }).click();
    await page.getByText('100,000 records', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Group', exact: true }).click();
    await page.getByLabel('Group by field').selectOption({ label: 'Status' });
    await page.getByRole('button', { name: 'Grouped by Status' }).waitFor();
    await page.getByRole('dialog', { name: 'Group' }).getByRole('button', { name: 'Done' }).click();
    const done = page.getByRole('button', { name: /Status\s*Done\s*50,000/ });
    const open = page.getByRole('button', { name: /Status\s*Open\s*50,000/ });
    await done.waitFor();
    await open.waitFor();
    await expect.poll(() => done.getAttribute('aria-expanded')).toBe('false');
    await done.click();
    await expect.poll(() => done.getAttribute('aria-expanded')).toBe('true');
    const grid = page.locator('.group-grid');
    await grid.locator('.ag-row[row-index="0"] .ag-cell', { hasText: 'P-1' }).first().waitFor();
    await expect.poll(async () => (await grid.locator('.ag-row .chip').allInnerTexts()).length).toBeGreaterThan(3);
    expect(new Set(await grid.locator('.ag-row .chip').allInnerTexts())).toEqual(new Set(['Done']));
    await page.screenshot({ path: screenshotPath('09-grouped') });
    await done.click();
    await expect.poll(() => grid.count()).toBe(0);

    // A second level: Status, then Qty (odd quantities are 'Done', 1,000 records each).
    await page.getByRole('button', { name: 'Grouped by Status' }).click();
    await page.getByLabel('Group level 2').selectOption({ label: 'Qty' });
    await page.getByRole('button', { name: 'Grouped by Status, Qty' }).waitFor();
    await page.getByRole('dialog', { name: 'Group' }).getByRole('button', { name: 'Done' }).click();
    await done.click();
    const qty7 = page.getByRole('button', { name: /Qty\s*7\s*1,000/ });
    await qty7.click();
    await grid.locator('.ag-row .ag-cell', { hasText: 'P-7' }).first().waitFor();
    await expect.poll(() => page.getByRole('button', { name: /Qty\s*\d+\s*1,000/ }).count()).toBe(50);

    await page.getByRole('button', { name: 'Grouped by Status, Qty' }).click();
    await page.getByLabel('Group by field').selectOption({ label: '(none)' });
    await page.getByRole('button', { name: 'Group', exact: true }).waitFor();
    await page.getByText('100,000 records', { exact: true }).waitFor();
  });
});
