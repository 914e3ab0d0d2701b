/**
 * Drawings in the browser, with the real engine, extraction workers and corpus files: a drop of
 * drawings on a table (and a file that is not one) makes one record each with the title block
 * filled and fails the bad file alone, listing why; "Add drawings…" uploads chosen files; the
 * previews open from the attachment chips: PDF pages with zoom and find, a picture with zoom.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { freshScanPng } from '../../src-main/workers/testing/scan';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { corpusAvailable, corpusPath } from '../../src-main/workers/testing/corpus';
import { call as engineCall } from '../bench/bench-util';
import { findChromium, launchBrowser, screenshotPath, startBrowserMode, type BrowserMode } from './browser';

const haveBrowser = findChromium() !== null;

let tmp: ReturnType<typeof makeTempDir>;
let mode: BrowserMode;
let browser: Browser;
let page: Page;
let base: string;

const call = <T,>(method: string, input: unknown): Promise<T> => engineCall<T>(mode.engine, method, input);

/** Drops files (name and bytes) on the table as a person dragging them from the desktop would. */
async function dropFiles(files: Array<{ name: string; bytes: Buffer; type?: string }>): Promise<void> {
  const payload = files.map((f) => ({ name: f.name, type: f.type ?? '', data: f.bytes.toString('base64') }));
  const dataTransfer = await page.evaluateHandle((items) => {
    // Runs in the page (this file is type-checked without the DOM's types).
    const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, o: object) => unknown };
    const dt = new w.DataTransfer();
    for (const it of items) {
      const bin = atob(it.data);
      const bytes = new Uint8Array(bin.length);
      for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
      dt.items.add(new w.File([bytes], it.name, { type: it.type }));
    }
    return dt;
  }, payload);
  await page.dispatchEvent('section.content', 'dragenter', { dataTransfer });
  await page.dispatchEvent('section.content', 'dragover', { dataTransfer });
  await page.getByTestId('drop-overlay').waitFor();
  await page.screenshot({ path: screenshotPath('20-drop-overlay') });
  await page.dispatchEvent('section.content', 'drop', { dataTransfer });
}

describe.runIf(haveBrowser && corpusAvailable())('drawings in the browser', () => {
  beforeAll(async () => {
    tmp = makeTempDir();
    mode = await startBrowserMode();
    base = (await call<{ base: string }>('base.create', { path: tmp.file('drawings.base') })).base;
    await call('table.create', { base, name: 'Drawings', fields: [{ name: 'Name', type: 'singleLineText' }] });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(mode.server.url);
    await page.getByLabel('Base file').fill(tmp.file('drawings.base'));
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByRole('heading', { name: 'Drawings' }).waitFor();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await mode?.close();
    tmp?.cleanup();
  });

  it('makes one record per dropped drawing, fills the title block, and fails a bad file alone with its reason', async () => {
    await dropFiles([
      { name: 'Gripper.PDF', bytes: fs.readFileSync(corpusPath('pdf/Gripper.PDF')), type: 'application/pdf' },
      { name: 'broken.dxf', bytes: Buffer.from('this is no drawing') },
      { name: 'Adapterplatte.PDF', bytes: fs.readFileSync(corpusPath('pdf/Adapterplatte.PDF')), type: 'application/pdf' },
    ]);
    const panel = page.getByTestId('drop-progress');
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 60_000 }).toBe('finished');
    await expect.poll(() => panel.getByRole('status').textContent()).toBe('Added 2 drawings to Drawings; 1 could not be read.');
    const failed = panel.locator('.drop-item.failed');
    expect(await failed.count()).toBe(1);
    expect(await failed.locator('.drop-name').textContent()).toBe('broken.dxf');
    expect(await failed.locator('.drop-state').textContent()).toContain('not a drawing');
    await page.screenshot({ path: screenshotPath('21-drop-finished') });

    await page.getByText('2 records', { exact: true }).waitFor();
    await page.getByRole('gridcell', { name: 'UR10_29.20' }).waitFor();
    await page.getByRole('gridcell', { name: 'Stahl Adapterplatte' }).waitFor();
    // The uploads were removed once the engine had copied them into the base.
    const records = await call<{ records: Array<{ fields: Record<string, unknown> }> }>('records.query', { base, table: 'Drawings', keys: 'name' });
    expect(records.records.map((r) => (r.fields.Drawing as Array<{ name: string }>)[0]!.name).sort()).toEqual(['Adapterplatte.PDF', 'Gripper.PDF']);
    await panel.getByRole('button', { name: 'Close' }).click();
    expect(await panel.count()).toBe(0);
  });

  it('adds chosen files with "Add drawings…", sent to the engine by upload', async () => {
    await page.getByTestId('add-drawings-input').setInputFiles([corpusPath('img/Candle_holder.jpg'), corpusPath('dxf/multi_insert_with_attribs.dxf')]);
    await page.getByText('4 records', { exact: true }).waitFor({ timeout: 120_000 });
    await expect.poll(() => page.getByTestId('drop-progress').getAttribute('data-phase'), { timeout: 60_000 }).toBe('finished');
    await page.getByRole('button', { name: /Candle_holder\.jpg/ }).waitFor();
  }, 180_000);

  it('opens a PDF from its chip: pages drawn, zoom, fit, and find with a count of matches', async () => {
    await page.getByRole('button', { name: /Gripper\.PDF/ }).click();
    const preview = page.getByTestId('preview');
    await preview.waitFor();
    expect(await preview.getAttribute('data-kind')).toBe('pdf');
    const viewer = page.getByTestId('pdf-viewer');
    await viewer.waitFor({ timeout: 30_000 });
    await expect.poll(() => viewer.getAttribute('data-pages'), { timeout: 30_000 }).toBe('1');
    await page.locator('.pdf-page[data-page="1"][data-drawn="true"]').waitFor({ timeout: 30_000 });
    // The canvas was painted: not one colour.
    type Canvas = { width: number; height: number; getContext(k: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } };
    const painted = await page.locator('.pdf-page canvas').evaluate((el) => {
      const c = el as unknown as Canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      for (let i = 0; i < d.length; i += 4 * 97) if (d[i]! < 128) dark++;
      return dark;
    });
    expect(painted).toBeGreaterThan(50);
    const zoom = page.getByTestId('pdf-zoom');
    const before = await zoom.textContent();
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await expect.poll(() => zoom.textContent()).not.toBe(before);
    await viewer.getByRole('button', { name: 'Fit page' }).click();
    await viewer.getByLabel('Find in PDF').fill('UR10_29.20');
    await expect.poll(() => page.getByTestId('pdf-find-count').textContent()).toMatch(/^1 of \d+$/);
    await page.locator('.textLayer .find-hit.current').first().waitFor();
    // The text layer holds the page's text, selectable.
    expect(await page.locator('.textLayer span', { hasText: 'PLA' }).count()).toBeGreaterThan(0);
    await page.screenshot({ path: screenshotPath('22-pdf-preview') });
    await page.keyboard.press('Escape');
    await preview.waitFor({ state: 'detached' });
  });

  it('opens a picture from its chip with zoom', async () => {
    await page.getByRole('button', { name: /Candle_holder\.jpg/ }).click();
    const viewer = page.getByTestId('image-viewer');
    await viewer.waitFor();
    const img = viewer.getByRole('img', { name: 'Candle_holder.jpg' });
    await expect.poll(() => img.evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth)).toBe(1653);
    const zoom = page.getByTestId('image-zoom');
    const fitted = await zoom.textContent();
    await viewer.getByRole('button', { name: '100 %' }).click();
    await expect.poll(() => zoom.textContent()).toBe('100 %');
    expect(fitted).not.toBe('100 %');
    // Tab goes round inside the preview, never to the grid behind it.
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate('!!document.activeElement && !!document.activeElement.closest("[data-testid=preview]")')).toBe(true);
    }
    await page.getByRole('button', { name: 'Close preview' }).click();
    await page.getByTestId('preview').waitFor({ state: 'detached' });
    // Focus is back on the chip that opened it.
    expect(await page.evaluate('document.activeElement && document.activeElement.textContent')).toBe('Candle_holder.jpg');
  });

  it('opens a DXF from its chip in the three.js viewer: layers shown and hidden, zoom to extents, a distance measured', async () => {
    await page.getByTestId('add-drawings-input').setInputFiles([corpusPath('dxf/Ceco.NET-Architecture-Tm-53.dxf')]);
    await page.getByText('5 records', { exact: true }).waitFor({ timeout: 60_000 });
    const chip = page.getByRole('button', { name: /Ceco\.NET-Architecture-Tm-53\.dxf/ });
    // Its thumbnail, drawn by the extraction worker, is shown in the cell.
    await expect.poll(() => chip.locator('img').evaluate((i) => (i as unknown as { naturalWidth: number }).naturalWidth), { timeout: 30_000 }).toBeGreaterThan(100);
    await chip.click();
    const viewer = page.getByTestId('dxf-viewer');
    await viewer.waitFor();
    await expect.poll(() => viewer.getAttribute('data-ready'), { timeout: 30_000 }).toBe('true');
    expect(await page.getByTestId('preview').getAttribute('data-kind')).toBe('dxf');
    expect(Number(await viewer.getAttribute('data-batches'))).toBeGreaterThan(5);
    expect(Number(await viewer.getAttribute('data-instances'))).toBeGreaterThan(0);
    const layers = page.getByTestId('dxf-layer-panel');
    const visible = Number(await viewer.getAttribute('data-visible-layers'));
    expect(visible).toBeGreaterThan(5);
    await layers.getByLabel(/^topography/).uncheck();
    await expect.poll(async () => Number(await viewer.getAttribute('data-visible-layers'))).toBe(visible - 1);
    await layers.getByLabel(/^topography/).check();
    await expect.poll(async () => Number(await viewer.getAttribute('data-visible-layers'))).toBe(visible);
    await viewer.getByRole('button', { name: 'Zoom in' }).click();
    await viewer.getByRole('button', { name: 'Zoom to extents' }).click();
    // Measure: two clicks on the drawing, the distance between them in drawing units.
    await viewer.getByRole('button', { name: 'Measure' }).click();
    const view = viewer.getByRole('application');
    const box = (await view.boundingBox())!;
    await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.5);
    await page.mouse.click(box.x + box.width * 0.7, box.y + box.height * 0.5);
    await expect.poll(() => page.getByTestId('dxf-measure-result').textContent()).toMatch(/\d/);
    await page.screenshot({ path: screenshotPath('23-dxf-preview') });
    // Escape first drops the measurement and leaves measuring (the preview stays), then closes.
    await view.focus();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('dxf-measure-result').textContent()).toBe('Click the first point (snaps to line ends).');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('dxf-measure-result').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Measure' }).getAttribute('aria-pressed')).toBe('false');
    expect(await page.getByTestId('preview').count()).toBe(1);
    await page.keyboard.press('Escape');
    await page.getByTestId('preview').waitFor({ state: 'detached' });
  }, 120_000);

  it("finds records by their drawings' text, and the preview opens at the match", async () => {
    // 'DEBURR' is only in the Gripper drawing's title block, in no cell.
    const search = page.getByLabel('Search records');
    await search.fill('deburr');
    await page.getByText('1 record found', { exact: true }).waitFor();
    await page.getByRole('button', { name: /Gripper\.PDF/ }).click();
    const viewer = page.getByTestId('pdf-viewer');
    await viewer.waitFor({ timeout: 30_000 });
    await expect.poll(() => viewer.getByLabel('Find in PDF').inputValue(), { timeout: 30_000 }).toBe('deburr');
    await expect.poll(() => page.getByTestId('pdf-find-count').textContent(), { timeout: 30_000 }).toMatch(/^1 of \d+$/);
    await page.locator('.textLayer .find-hit.current').first().waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('preview').waitFor({ state: 'detached' });
    // A scan found by a word OCR read opens at 100 % with that word marked, in view.
    await search.fill('unless');
    await page.getByText('1 record found', { exact: true }).waitFor();
    await page.getByRole('button', { name: /Candle_holder\.jpg/ }).click();
    const mark = page.getByTestId('image-mark');
    await mark.first().waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('image-zoom').textContent()).toBe('100 %');
    expect(await mark.first().isVisible()).toBe(true);
    const view = (await page.locator('.image-viewer').boundingBox())!;
    const box = (await mark.first().boundingBox())!;
    expect(box.y).toBeGreaterThanOrEqual(view.y);
    expect(box.y + box.height).toBeLessThanOrEqual(view.y + view.height);
    await page.screenshot({ path: screenshotPath('25-scan-match') });
    await page.keyboard.press('Escape');
    await page.getByTestId('preview').waitFor({ state: 'detached' });
    await search.fill('');
    await page.getByText('5 records', { exact: true }).waitFor();
  });

  it("attaches drawings dropped on a record's attachment cell to that record", async () => {
    const schema = await call<{ tables: Array<{ fields: Array<{ id: string; name: string }> }> }>('schema.get', { base });
    const drawingField = schema.tables[0]!.fields.find((f) => f.name === 'Drawing')!.id;
    const gripper = (await call<{ records: Array<{ id: string; fields: Record<string, unknown> }> }>('records.query', { base, table: 'Drawings', keys: 'name', search: 'UR10_29.20' })).records[0]!;
    const cell = `.ag-row[row-id="${gripper.id}"] .ag-cell[col-id="${drawingField}"]`;
    const payload = [{ name: 'scan.jpg', type: 'image/jpeg', data: fs.readFileSync(corpusPath('img/Candle_holder.jpg')).toString('base64') }];
    const dataTransfer = await page.evaluateHandle((items) => {
      const w = globalThis as unknown as { DataTransfer: new () => { items: { add(f: unknown): void } }; File: new (parts: unknown[], name: string, o: object) => unknown };
      const dt = new w.DataTransfer();
      for (const it of items) dt.items.add(new w.File([Uint8Array.from(atob(it.data), (c) => c.charCodeAt(0))], it.name, { type: it.type }));
      return dt;
    }, payload);
    await page.dispatchEvent(cell, 'dragenter', { dataTransfer });
    await page.dispatchEvent(cell, 'dragover', { dataTransfer });
    await expect.poll(() => page.getByTestId('drop-overlay').textContent()).toBe('Drop to attach the drawings to this record');
    await page.dispatchEvent(cell, 'drop', { dataTransfer });
    const panel = page.getByTestId('drop-progress');
    await expect.poll(() => panel.getByRole('status').textContent(), { timeout: 60_000 }).toBe('Attached 1 drawing to the record.');
    // Still five records; the Gripper now has both files.
    await page.getByText('5 records', { exact: true }).waitFor();
    const after = await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: gripper.id, keys: 'name' });
    expect((after.fields.Drawing as Array<{ name: string }>).map((a) => a.name)).toEqual(['Gripper.PDF', 'scan.jpg']);
    await page.locator(cell).getByRole('button', { name: /scan\.jpg/ }).waitFor();
  }, 90_000);

  it('maps what drawings hold to fields, and re-applies it without overwriting what a person changed', async () => {
    await call('field.create', { base, table: 'Drawings', name: 'Pages', type: 'number' });
    const gripper = (await call<{ records: Array<{ id: string }> }>('records.query', { base, table: 'Drawings', search: 'UR10_29.20' })).records[0]!;
    await call('records.update', { base, table: 'Drawings', updates: [{ id: gripper.id, fields: { Material: 'PLA-CF' } }] });

    await page.getByRole('button', { name: 'Drawing fields…' }).click();
    const dialog = page.getByTestId('drawing-mapping-dialog');
    await dialog.waitFor();
    expect(await dialog.getByLabel('Material', { exact: true }).locator('option:checked').textContent()).toMatch(/^Material/);
    await dialog.getByLabel('Pages', { exact: true }).selectOption({ label: 'Pages (Number)' });
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.getByRole('button', { name: 'Re-apply to all records' }).waitFor();
    await expect.poll(() => dialog.getByRole('button', { name: 'Re-apply to all records' }).isEnabled()).toBe(true);
    await dialog.getByRole('button', { name: 'Re-apply to all records' }).click();
    await expect.poll(() => dialog.textContent(), { timeout: 60_000 }).toContain('kept 1 cell people edited');
    await page.screenshot({ path: screenshotPath('24-drawing-fields') });
    const after = await call<{ fields: Record<string, unknown> }>('records.get', { base, table: 'Drawings', id: gripper.id, keys: 'name' });
    expect(after.fields).toMatchObject({ Material: 'PLA-CF', Pages: 1 });
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }, 90_000);

  it('cancels a drop from its panel: nothing is added, and the panel says so', async () => {
    // A scan of its own (never read before), so OCR takes a while.
    await dropFiles([
      { name: 'scan-to-cancel.png', bytes: freshScanPng('SHEET'), type: 'image/png' },
      { name: 'Gripper copy.PDF', bytes: fs.readFileSync(corpusPath('pdf/Gripper.PDF')), type: 'application/pdf' },
    ]);
    const panel = page.getByTestId('drop-progress');
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 30_000 }).toBe('reading');
    await panel.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => panel.getAttribute('data-phase'), { timeout: 30_000 }).toBe('cancelled');
    expect(await panel.getByRole('status').textContent()).toBe('Adding drawings was cancelled after 0 of 2.');
    expect((await call<{ count: number }>('records.count', { base, table: 'Drawings' })).count).toBe(5);
    await panel.getByRole('button', { name: 'Close' }).click();
  }, 90_000);
});
