/**
 * PDF pages without a text layer, read by OCR (tesseract.js, offline) after rendering at 300 dpi:
 * a scanned title block and dimension, a PDF of one text page and one scanned page, and what
 * happens when OCR fails or its time is used up. The scans are drawn here (test-pdfs.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { extractPdf } from './pdf-extract';
import { fromPdf } from '../extract/file-extraction';
import { recognize, stopRecognizer } from '../ocr/ocr';
import { A4, scanPng, writePdf, type TestText } from './test-pdfs';
import type { Recognize } from './pdf-ocr';

afterAll(() => stopRecognizer());

/** A scanned sheet: a dimension and a thread in the drawing, a title block in the corner (positions from the top left, points). */
const SHEET: TestText[] = [
  { text: 'Ø20 ±0,1', x: 200, y: 300, size: 12 },
  { text: 'M8x1.25', x: 200, y: 380, size: 12 },
  { text: 'TITLE', x: 330, y: 690, size: 7 },
  { text: 'Bearing Plate', x: 330, y: 710, size: 14 },
  { text: 'MATERIAL', x: 460, y: 690, size: 7 },
  { text: 'S235JR', x: 460, y: 710, size: 12 },
  { text: 'DRAWING NO.', x: 330, y: 740, size: 7 },
  { text: 'BP-4711', x: 330, y: 760, size: 14 },
];
const scan = (): Promise<Buffer> =>
  scanPng(SHEET, {
    dpi: 200,
    lines: [
      { x0: 320, y0: 670, x1: 570, y1: 670 },
      { x0: 320, y0: 720, x1: 570, y1: 720 },
      { x0: 320, y0: 670, x1: 320, y1: 800 },
      { x0: 450, y0: 670, x1: 450, y1: 720 },
    ],
  });

const ocr: Recognize = (png) => recognize(png);

describe('PDF pages without a text layer', () => {
  it('reads a scanned drawing by OCR: title block, a dimension with its tolerance, a thread, in page coordinates', async () => {
    const pdf = await writePdf([{ image: await scan() }]);
    const x = fromPdf('scan.pdf', await extractPdf(pdf, { recognize: ocr }));
    expect(x.ocrPages).toEqual([1]);
    expect(x.titleBlock).toMatchObject({ drawingNumber: 'BP-4711', title: 'Bearing Plate', material: 'S235JR' });
    expect(x.dimensions).toEqual([{ text: '⌀20±0,1', kind: 'diameter', value: 20, unit: 'mm', tolerance: { type: 'symmetric', upper: 0.1, lower: -0.1 } }]);
    expect(x.threads).toEqual([{ text: 'M8x1.25', designation: 'M8x1.25', count: 1 }]);
    expect(x.textPages).toEqual(x.text.map(() => 1));
    // Words with confidence and boxes in points of the page (origin top left), each on its line of the text.
    const word = x.ocr!.words.find((w) => w.text === 'BP-4711')!;
    expect(word).toMatchObject({ page: 1, line: x.text.indexOf('BP-4711') });
    expect(word.confidence).toBeGreaterThan(60);
    expect(word.box.x0).toBeCloseTo(330, -1);
    expect(word.box.y1).toBeCloseTo(760, -1);
    expect(x.ocr!.confidence).toBeGreaterThan(60);
  }, 60_000);

  it('reads a mixed PDF: the text page as text, the scanned page by OCR, each line with its page', async () => {
    const pdf = await writePdf([{ texts: [{ text: 'GENERAL NOTES: BREAK ALL SHARP EDGES', x: 60, y: 780 }, { text: 'M10x1.5 THROUGH', x: 60, y: 760 }] }, { image: await scan() }]);
    const pdfX = await extractPdf(pdf, { recognize: ocr });
    const x = fromPdf('mixed.pdf', pdfX);
    expect(x.pages).toBe(2);
    expect(x.ocrPages).toEqual([2]);
    expect(x.text.slice(0, 2)).toEqual(['GENERAL NOTES: BREAK ALL SHARP EDGES', 'M10x1.5 THROUGH']);
    expect(x.textPages).toHaveLength(x.text.length);
    expect(x.textPages!.slice(0, 2)).toEqual([1, 1]);
    expect(x.textPages!.slice(2)).toEqual(x.text.slice(2).map(() => 2));
    expect(x.text.slice(2)).toContain('BP-4711');
    expect(x.threads.map((t) => t.designation)).toEqual(['M10x1.5', 'M8x1.25']);
    expect(x.ocr!.words.every((w) => w.page === 2)).toBe(true);
    // The OCR'd page's items are where the scan shows them: y up from the page's bottom, in points.
    const item = pdfX.pages[1]!.items.find((t) => t.str === 'BP-4711')!;
    expect(item.x).toBeCloseTo(330, -1);
    expect(item.y).toBeCloseTo(A4.height - 760, -1);
    expect(item.rotation).toBe(0);
  }, 60_000);

  it('keeps going when OCR fails or its time is used up, and says which page was not read', async () => {
    const pdf = await writePdf([{ texts: [{ text: 'A PAGE OF TEXT, LONG ENOUGH TO BE ONE', x: 60, y: 780 }] }, { image: await scan() }]);
    const failing: Recognize = () => Promise.reject(new Error('out of memory'));
    const failed = fromPdf('mixed.pdf', await extractPdf(pdf.slice(), { recognize: failing }));
    expect(failed.text).toEqual(['A PAGE OF TEXT, LONG ENOUGH TO BE ONE']);
    expect(failed.ocrPages).toBeUndefined();
    expect(failed.warnings).toEqual(['page 2: has no text layer and could not be read by OCR (out of memory)']);
    const late = fromPdf('mixed.pdf', await extractPdf(pdf.slice(), { recognize: ocr, ocrBudgetMs: 0 }));
    expect(late.warnings).toEqual(['page 2: has no text layer and was not read by OCR (the file\'s OCR time of 0 s was used up)']);
  });

  it('does not OCR a page with a text layer', async () => {
    const never: Recognize = () => Promise.reject(new Error('OCR was asked for'));
    const x = fromPdf('text.pdf', await extractPdf(await writePdf([{ texts: [{ text: 'DRAWING NO. BP-4711 REV B', x: 60, y: 780 }] }]), { recognize: never }));
    expect(x).toMatchObject({ text: ['DRAWING NO. BP-4711 REV B'], textPages: [1] });
    expect(x.ocrPages).toBeUndefined();
    expect(x.warnings).toBeUndefined();
  });
});
