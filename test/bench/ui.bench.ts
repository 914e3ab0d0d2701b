/**
 * `npm run bench -- ui`: the grid in headless Chromium (browser mode, real engine) on a 100k × 20
 * table. Measured inside the page, so the figures are what the page itself sees:
 *   ui_first_rows_100k    click on the table in the sidebar → first rows painted (median of 5)
 *   ui_sort_repaint_100k  click on a column header → rows in the new order painted (median of 6)
 *   ui_scroll_frame_p95   frame times while flinging from the top to the end of the table (p95)
 */
import { Engine } from '../../src-main/engine/engine';
import type { BaseInfo, ImportResult } from '../../src-shared/api/engine.dto';
import { startWebServer } from '../../src-main/web/web-server';
import { buildRenderer, launchBrowser } from '../e2e/browser';
import { call, emit, log, makeTempDir, median, percentile } from './bench-util';
import { COLUMNS_20, writeCsv } from './csv-gen';

const TABLE = 'Parts';

/** The few DOM facilities the in-page measurements use (this file compiles without DOM types). */
interface El {
  textContent: string | null;
  scrollTop: number;
  readonly scrollHeight: number;
  readonly clientHeight: number;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  click(): void;
}
interface PageGlobals {
  document: { querySelector(selector: string): El | null; querySelectorAll(selector: string): Iterable<El> };
  requestAnimationFrame(callback: () => void): number;
}
const RUNS = 5;

export async function runUiBench(): Promise<void> {
  const tmp = makeTempDir('baseplate-ui-bench-');
  const engine = new Engine({ actor: 'bench' });
  try {
    const csv = tmp.file('parts.csv');
    writeCsv(csv, COLUMNS_20, 100_000, 42);
    const basePath = tmp.file('ui.base');
    const info = await call<BaseInfo>(engine, 'base.create', { path: basePath });
    // A small table first, so opening the big one is a click in the sidebar.
    await call(engine, 'table.create', { base: info.base, name: 'Small' });
    const imported = await call<ImportResult>(engine, 'csv.import', { base: info.base, path: csv, table: TABLE });
    log(`imported ${imported.imported} rows for the UI bench`);
    engine.context(info.base).session.finishSearch();

    const staticDir = await buildRenderer();
    const server = await startWebServer({ engine, staticDir });
    const browser = await launchBrowser();
    try {
      const tab = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      // tsx names inner functions with a `__name` helper; the functions sent to the page need it too.
      await tab.addInitScript('globalThis.__name = (f) => f;');
      await tab.goto(server.url);
      await tab.getByLabel('Base file').fill(basePath);
      await tab.getByRole('button', { name: 'Open', exact: true }).click();
      await tab.getByRole('heading', { name: 'Small' }).waitFor();

      // First rows painted after opening the table.
      const firstRows: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        await tab.getByRole('button', { name: 'Small', exact: true }).click();
        await tab.getByRole('heading', { name: 'Small' }).waitFor();
        firstRows.push(
          await tab.evaluate(async (name) => {
            const g = globalThis as unknown as PageGlobals;
            const document = g.document;
            const requestAnimationFrame = (cb: () => void): number => g.requestAnimationFrame(cb);
            const button = [...document.querySelectorAll('.table-item')].find((b) => b.textContent === name)!;
            const t0 = performance.now();
            button.click();
            await new Promise<void>((resolve, reject) => {
              const check = (): void => {
                const cell = document.querySelector('.ag-row[row-index="0"] .ag-cell:not([col-id="#"])');
                if (cell && cell.textContent && cell.textContent.trim()) requestAnimationFrame(() => resolve());
                else if (performance.now() - t0 > 20_000) reject(new Error('no rows painted in 20 s'));
                else requestAnimationFrame(check);
              };
              check();
            });
            return performance.now() - t0;
          }, TABLE),
        );
      }
      log(`first rows (ms): ${firstRows.map((x) => x.toFixed(0)).join(' ')}`);
      emit({ name: 'ui_first_rows_100k', value: median(firstRows), unit: 'ms' });

      // Sort change → repaint: header clicks cycle ascending, descending, none.
      const sorts: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        sorts.push(
          await tab.evaluate(async () => {
            const g = globalThis as unknown as PageGlobals;
            const document = g.document;
            const requestAnimationFrame = (cb: () => void): number => g.requestAnimationFrame(cb);
            const header = [...document.querySelectorAll('.ag-header-cell')].find((h) => h.textContent?.trim().startsWith('Quantity'))!;
            const firstId = (): string | null => document.querySelector('.ag-row[row-index="0"]:not(.ag-row-pinned)')?.getAttribute('row-id') ?? null;
            const before = firstId();
            const t0 = performance.now();
            header.querySelector('.ag-header-cell-label')!.click();
            await new Promise<void>((resolve, reject) => {
              const check = (): void => {
                const cell = document.querySelector('.ag-row[row-index="0"] .ag-cell:not([col-id="#"])');
                if (firstId() !== before && cell?.textContent?.trim()) requestAnimationFrame(() => resolve());
                else if (performance.now() - t0 > 20_000) reject(new Error('the sorted rows were not painted in 20 s'));
                else requestAnimationFrame(check);
              };
              check();
            });
            return performance.now() - t0;
          }),
        );
      }
      log(`sort repaints (ms): ${sorts.map((x) => x.toFixed(0)).join(' ')}`);
      emit({ name: 'ui_sort_repaint_100k', value: median(sorts), unit: 'ms' });

      // Fling to the end: the scroll position moves a large step every frame until the last row.
      const frames = await tab.evaluate(async () => {
        const g = globalThis as unknown as PageGlobals;
            const document = g.document;
            const requestAnimationFrame = (cb: () => void): number => g.requestAnimationFrame(cb);
        // The grid's vertical scroller: the element inside it with the most to scroll.
        let viewport: El | null = null;
        for (const el of document.querySelectorAll('.grid *')) {
          if (el.scrollHeight - el.clientHeight > 10_000 && (!viewport || el.scrollHeight > viewport.scrollHeight)) viewport = el;
        }
        if (!viewport) throw new Error('no scrolling element in the grid');
        const deltas: number[] = [];
        let last = performance.now();
        const steps = 90;
        for (let i = 1; i <= steps; i++) {
          viewport.scrollTop = ((viewport.scrollHeight - viewport.clientHeight) * i) / steps;
          await new Promise<void>((r) => requestAnimationFrame(() => r()));
          const now = performance.now();
          deltas.push(now - last);
          last = now;
        }
        // Then until the last rows have their data.
        const deadline = performance.now() + 10_000;
        let reachedEnd = false;
        while (performance.now() < deadline) {
          viewport.scrollTop = viewport.scrollHeight;
          const rows = [...document.querySelectorAll('.ag-row')];
          const maxIndex = Math.max(...rows.map((r) => Number(r.getAttribute('row-index'))));
          const lastRow = rows.find((r) => Number(r.getAttribute('row-index')) === maxIndex);
          if (maxIndex >= 99_999 && lastRow?.querySelector('.ag-cell')?.textContent?.trim()) {
            reachedEnd = true;
            break;
          }
          await new Promise<void>((r) => requestAnimationFrame(() => r()));
          const now = performance.now();
          deltas.push(now - last);
          last = now;
        }
        return { deltas, reachedEnd };
      });
      if (!frames.reachedEnd) throw new Error('the fling did not reach the last record within 10 s');
      log(`fling: ${frames.deltas.length} frames, max ${Math.max(...frames.deltas).toFixed(1)} ms, last record painted`);
      emit({ name: 'ui_scroll_frame_p95', value: percentile(frames.deltas, 95), unit: 'ms' });
    } catch (e) {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await pages[0].screenshot({ path: tmp.file('../baseplate-ui-bench-failure.png') }).catch(() => undefined);
      throw e;
    } finally {
      await browser.close();
      await server.close();
    }
  } finally {
    engine.close();
    tmp.remove();
  }
}
