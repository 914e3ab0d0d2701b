/**
 * The files suite (`npm run bench -- files`): reading drawings.
 *   dxf_mb_per_s           DXF parse and extraction on the corpus DXF files, MB/s (engine thread, warm)
 *   pdf_pages_per_s        PDF extraction on the corpus PDFs (text items and vector lines), pages/s
 *   pdf_thumbnail_ms       a page of the corpus PDFs rendered as a 512 px PNG thumbnail and written, ms/page
 *   ocr_a4_300dpi          a scanned A4 PDF page (the corpus scan on an A4 page) read as the worker reads a
 *                          page without a text layer: rendered at 300 dpi (2480 × 3508 px) and OCR'd, s/page
 *   drop_200_seconds       200 generated DXF drawings dropped on a table (drawings.add), s
 *   drop_200_peak_rss      peak RSS of that engine process (workers included), MB
 *   drop_200_query_p95     a page of records asked for every 25 ms meanwhile: p95 answer time, ms (target ≤ 100)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractDxf } from '../../src-main/workers/dxf/dxf-extract';
import { extractPdf } from '../../src-main/workers/pdf/pdf-extract';
import { recognize, stopRecognizer } from '../../src-main/workers/ocr/ocr';
import { openPdf } from '../../src-main/workers/pdf/pdf-document';
import { renderPage, scaleForLongestSide, THUMBNAIL_SIZE } from '../../src-main/workers/render/page-render';
import { PDFDocument } from 'pdf-lib';
import { corpusAvailable, corpusFiles, corpusPath } from '../../src-main/workers/testing/corpus';
import { emit, log, makeTempDir, median, ROOT, runChild } from './bench-util';
import { writeDrawings } from './dxf-gen';
import { buildDesktop } from '../build-desktop';
import type { DropChildResult } from './files-child';

const CHILD = fileURLToPath(new URL('./files-child.ts', import.meta.url));
const seconds = (since: number): number => (performance.now() - since) / 1000;

export async function runFilesBench(): Promise<void> {
  if (!corpusAvailable()) throw new Error('the files suite needs the test corpus (../shared/corpus)');
  const tmp = makeTempDir();
  const desktop = path.join(ROOT, 'out', `bench-files-${process.pid}`);
  try {
    const dxfs = corpusFiles().filter((f) => f.file.endsWith('.dxf')).map((f) => fs.readFileSync(corpusPath(f.file), 'utf8'));
    const bytes = dxfs.reduce((n, d) => n + Buffer.byteLength(d), 0);
    for (const d of dxfs) extractDxf(d); // warm
    const rounds: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      for (const d of dxfs) extractDxf(d);
      rounds.push(bytes / 1e6 / seconds(t));
    }
    emit({ name: 'dxf_mb_per_s', value: median(rounds), unit: 'MB/s' });
    log(`DXF: ${dxfs.length} files, ${(bytes / 1e6).toFixed(2)} MB per round; rounds ${rounds.map((x) => x.toFixed(1)).join(', ')} MB/s`);

    const pdfs = corpusFiles().filter((f) => f.file.toLowerCase().endsWith('.pdf')).map((f) => new Uint8Array(fs.readFileSync(corpusPath(f.file))));
    await extractPdf(pdfs[0]!.slice()); // warm
    let pages = 0;
    const t = performance.now();
    for (let r = 0; r < 10; r++) for (const p of pdfs) pages += (await extractPdf(p.slice())).pages.length;
    emit({ name: 'pdf_pages_per_s', value: pages / seconds(t), unit: 'pages/s' });

    const thumbDir = tmp.file('thumbnails');
    fs.mkdirSync(thumbDir);
    const thumbs: number[] = [];
    for (let r = 0; r < 4; r++) {
      let rendered = 0;
      const t1 = performance.now();
      for (const [i, bytes] of pdfs.entries()) {
        const doc = await openPdf(bytes.slice());
        for (let n = 1; n <= doc.numPages; n++) {
          const page = await doc.getPage(n);
          fs.writeFileSync(path.join(thumbDir, `${i}-page-${n}.png`), (await renderPage(doc, page, scaleForLongestSide(page, THUMBNAIL_SIZE))).png);
          rendered++;
        }
        await doc.destroy();
      }
      if (r > 0) thumbs.push((performance.now() - t1) / rendered); // the first round warms up
    }
    emit({ name: 'pdf_thumbnail_ms', value: median(thumbs), unit: 'ms/page' });
    log(`PDF thumbnails (${THUMBNAIL_SIZE} px PNG, written): rounds ${thumbs.map((x) => x.toFixed(1)).join(', ')} ms/page`);

    // A scanned A4 sheet as a PDF: the corpus scan (a 200 dpi A4 scan) on an A4 page, no text layer.
    const sheet = await PDFDocument.create();
    const jpg = await sheet.embedJpg(fs.readFileSync(corpusPath('img/Candle_holder.jpg')));
    sheet.addPage([595.28, 841.89]).drawImage(jpg, { x: 0, y: 0, width: 595.28, height: 841.89 });
    const scanned = await sheet.save();
    const ocrPage = async (): Promise<number> => {
      const t1 = performance.now();
      const x = await extractPdf(scanned.slice(), { recognize: (png) => recognize(png) });
      if (x.pages[0]?.ocr?.dpi !== 300) throw new Error('the scanned page was not read by OCR at 300 dpi');
      return seconds(t1);
    };
    await ocrPage(); // starts the recognizer
    const ocr: number[] = [];
    for (let r = 0; r < 3; r++) ocr.push(await ocrPage());
    await stopRecognizer();
    emit({ name: 'ocr_a4_300dpi', value: median(ocr), unit: 's/page' });
    log(`OCR page: a scanned A4 PDF page rendered at 300 dpi (2480 × 3508 px) and recognized; runs ${ocr.map((x) => x.toFixed(2)).join(', ')} s`);

    let t2 = performance.now();
    await buildDesktop(desktop);
    process.env.BASEPLATE_BUILT_WORKERS = path.join(desktop, 'main');
    log(`built the desktop bundle in ${seconds(t2).toFixed(1)} s; the engine child starts its extraction workers from it`);
    const folder = tmp.file('drawings');
    fs.mkdirSync(folder);
    t2 = performance.now();
    writeDrawings(folder, 200);
    log(`wrote 200 DXF drawings in ${seconds(t2).toFixed(1)} s`);
    const run = await runChild<DropChildResult>(CHILD, ['drop', tmp.file('drawings.base'), folder]);
    const r = run.result;
    if (r.added !== 200 || r.failed !== 0) throw new Error(`drop: ${r.added} added, ${r.failed} failed`);
    emit({ name: 'drop_200_seconds', value: r.seconds, unit: 's' });
    emit({ name: 'drop_200_peak_rss', value: r.maxRssMb, unit: 'MB' });
    emit({ name: 'drop_200_query_p95', value: r.queryP95Ms, unit: 'ms' });
    emit({ name: 'drop_200_edit_p95', value: r.editP95Ms, unit: 'ms' });
    log(`drop: ${r.added} records in ${r.seconds.toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB; ${r.queries} queries meanwhile, p95 ${r.queryP95Ms.toFixed(1)} ms, max ${r.queryMaxMs.toFixed(1)} ms; ${r.edits} edits, p95 ${r.editP95Ms.toFixed(1)} ms, max ${r.editMaxMs.toFixed(1)} ms`);
  } finally {
    delete process.env.BASEPLATE_BUILT_WORKERS;
    tmp.remove();
    fs.rmSync(desktop, { recursive: true, force: true });
  }
}
