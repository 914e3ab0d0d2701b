/**
 * What a PDF's vector lines say about its text, on PDFs written here with pdf-lib: ruled tables
 * (a parts list with a header, merged cells, rules drawn as thin fills, inside a drawing frame) and
 * what is no table (a frame with its grid references, chained dimensions, the corpus title
 * blocks); dimensions in a box drawn around them read as basic.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractPdf } from './pdf-extract';
import { fromPdf, type FileExtraction } from '../extract/file-extraction';
import { A4, frame, gridLines, textWidth, writePdf, type TestLine, type TestPage, type TestText } from './test-pdfs';
import { corpusAvailable, corpusFiles, corpusPath } from '../testing/corpus';

const read = async (pages: TestPage[]): Promise<FileExtraction> => fromPdf('test.pdf', await extractPdf(await writePdf(pages)));

/** Texts placed in the cells of a grid (left-aligned, 4 pt in, 4 pt above the cell's bottom). */
function cellTexts(xs: number[], ys: number[], rows: Array<Array<string | null>>): TestText[] {
  const out: TestText[] = [];
  rows.forEach((row, r) => row.forEach((text, c) => text && out.push({ text, x: xs[c]! + 4, y: ys[r + 1]! + 4, size: 8 })));
  return out;
}

/** The four sides of a rectangle. */
const box = (x0: number, y0: number, x1: number, y1: number, width = 0.5): TestLine[] => [
  { x0, y0, x1, y1: y0, width },
  { x0: x1, y0, x1, y1, width },
  { x0: x1, y0: y1, x1: x0, y1, width },
  { x0, y0: y1, x1: x0, y1: y0, width },
];

const BOM = [
  ['ITEM', 'PART NO.', 'QTY'],
  ['1', 'BP-100 Base plate', '1'],
  ['2', 'DIN 912 M8x25', '4'],
  ['3', 'DIN 125 A8.4', '4'],
];

describe('ruled tables from PDF lines', () => {
  it('reads a parts list (4 rows × 3 columns with a header) standing on a title block in a drawing frame, and nothing else as a table', async () => {
    const f = frame();
    // The title block in the frame's corner (mostly empty cells, as they are), the parts list right on it.
    const right = A4.width - 40;
    const tbXs = [335, 395, 455, right];
    const tbYs = [120, 100, 80, 60, 40];
    const bomXs = [335, 365, 485, right];
    const bomYs = [180, 165, 150, 135, 120];
    const x = await read([
      {
        lines: [...f.lines, ...gridLines(tbXs, tbYs), ...gridLines(bomXs, bomYs)],
        texts: [
          ...f.texts,
          ...cellTexts(tbXs, tbYs, [['DRAWN', null, null], ['CHECKED', null, null], [null, null, null], ['TITLE', 'Base plate', null]]),
          ...cellTexts(bomXs, bomYs, BOM),
          // Text outside the table: a note above it, a dimension in the drawing.
          { text: 'NOTE 1: ALL PARTS ZINC PLATED', x: 335, y: 190, size: 8 },
          { text: '100', x: 200, y: 400, size: 8 },
        ],
      },
    ]);
    expect(x.tables).toEqual([{ rows: BOM }]);
    // The table's numbers are no dimensions, nor are the frame's grid references; the one in the drawing is.
    expect(x.dimensions.map((d) => d.text)).toEqual(['100']);
  });

  it('reads merged cells: a title row across all columns and a quantity spanning two rows', async () => {
    const xs = [300, 340, 460, 520];
    const ys = [500, 485, 470, 455, 440];
    const lines: TestLine[] = [
      { x0: 300, y0: 500, x1: 520, y1: 500 },
      { x0: 300, y0: 485, x1: 520, y1: 485 },
      { x0: 300, y0: 470, x1: 520, y1: 470 },
      // Not across the last column: its two cells below are one.
      { x0: 300, y0: 455, x1: 460, y1: 455 },
      { x0: 300, y0: 440, x1: 520, y1: 440 },
      { x0: 300, y0: 500, x1: 300, y1: 440 },
      { x0: 520, y0: 500, x1: 520, y1: 440 },
      // The inner columns start under the title row.
      { x0: 340, y0: 485, x1: 340, y1: 440 },
      { x0: 460, y0: 485, x1: 460, y1: 440 },
    ];
    const texts = [
      { text: 'PARTS LIST', x: 380, y: 489, size: 8 },
      ...cellTexts(xs, ys, [
        [null, null, null],
        ['POS', 'NAME', 'QTY'],
        ['1', 'Bolt M8', null],
        ['2', 'Washer 8', null],
      ]),
      { text: '4', x: 464, y: 451, size: 8 },
    ];
    const x = await read([{ lines, texts }]);
    expect(x.tables).toEqual([
      {
        rows: [
          ['PARTS LIST', '', ''],
          ['POS', 'NAME', 'QTY'],
          ['1', 'Bolt M8', '4'],
          ['2', 'Washer 8', ''],
        ],
      },
    ]);
  });

  it('reads a table ruled with thin filled rectangles, and a cell of two lines as one text', async () => {
    const xs = [100, 160, 300];
    const ys = [700, 680, 650, 630];
    const fills: Array<[number, number, number, number]> = [
      ...ys.map((y): [number, number, number, number] => [100, y - 0.4, 200, 0.8]),
      ...xs.map((x): [number, number, number, number] => [x - 0.4, 630, 0.8, 70]),
    ];
    const texts = [
      ...cellTexts(xs, ys, [['KEY', 'VALUE'], ['TITLE', null], ['MATERIAL', 'S235JR']]),
      { text: 'Weird_Gripper_', x: 164, y: 668, size: 8 },
      { text: 'Adapter', x: 164, y: 656, size: 8 },
    ];
    const x = await read([{ fills, texts }]);
    expect(x.tables).toEqual([{ rows: [['KEY', 'VALUE'], ['TITLE', 'Weird_Gripper_Adapter'], ['MATERIAL', 'S235JR']] }]);
  });

  it('finds no table in a drawing frame with its grid references, a part outline and chained dimensions', async () => {
    const f = frame();
    // Three chains of dimensions stacked above a part, their extension lines running on past the last one.
    const dims: TestLine[] = [];
    const texts: TestText[] = [...f.texts];
    const stops = [150, 250, 300, 350];
    for (const y of [420, 440, 460]) {
      dims.push({ x0: 150, y0: y, x1: 350, y1: y, width: 0.25 });
      for (let i = 0; i + 1 < stops.length; i++) texts.push({ text: (stops[i + 1]! - stops[i]! + y / 100).toFixed(2), x: stops[i]! + 10, y: y + 2, size: 7 });
    }
    for (const x of stops) dims.push({ x0: x, y0: 402, x1: x, y1: 466, width: 0.25 });
    const x = await read([{ lines: [...f.lines, ...box(150, 300, 350, 400, 0.7), ...dims], texts }]);
    expect(x.tables).toEqual([]);
    expect(x.dimensions).toHaveLength(9);
  });

  it.runIf(corpusAvailable())('finds no table in the corpus PDFs: their title blocks are grids with mostly empty cells', async () => {
    const pdfs = corpusFiles().filter((f) => f.file.toLowerCase().endsWith('.pdf'));
    expect(pdfs.length).toBeGreaterThan(0);
    for (const f of pdfs) {
      const x = fromPdf(f.file, await extractPdf(new Uint8Array(fs.readFileSync(corpusPath(f.file)))));
      // The manifest states no table facts for these files.
      expect(f.expected).not.toHaveProperty('tables');
      expect(x.tables).toEqual([]);
    }
  });
});

describe('boxed dimensions in PDFs', () => {
  it('reads a dimension in a box drawn just around it as basic, upright and turned, and leaves others alone', async () => {
    const size = 10;
    const w25 = await textWidth('25.00', size);
    const w45 = await textWidth('45°', size);
    const lines: TestLine[] = [
      // 25.00 boxed.
      ...box(200 - 2, 500 - 3, 200 + w25 + 2, 500 + size * 0.72 + 2),
      // 30.00 over a dimension line only; 40.00 inside a large rectangle (a part outline).
      { x0: 150, y0: 398, x1: 350, y1: 398 },
      ...box(100, 200, 400, 350),
      // 45° turned a quarter left, its box turned with it: (u, v) in the text's frame is (x − v, y + u) on the page.
      ...box(300 - (size * 0.72 + 2), 600 - 2, 300 + 3, 600 + w45 + 2),
    ];
    const texts = [
      { text: '25.00', x: 200, y: 500, size },
      { text: '30.00', x: 230, y: 400, size },
      { text: '40.00', x: 230, y: 300, size },
      { text: '45°', x: 300, y: 600, size, rotate: 90 },
    ];
    const x = await read([{ lines, texts }]);
    expect(x.dimensions).toEqual(
      expect.arrayContaining([
        { text: '[25.00]', kind: 'linear', value: 25, unit: 'mm', tolerance: { type: 'basic' } },
        { text: '30.00', kind: 'linear', value: 30, unit: 'mm', tolerance: null },
        { text: '40.00', kind: 'linear', value: 40, unit: 'mm', tolerance: null },
        { text: '[45°]', kind: 'angular', value: 45, unit: 'deg', tolerance: { type: 'basic' } },
      ]),
    );
    expect(x.dimensions).toHaveLength(4);
  });

  it.runIf(corpusAvailable())('reads the Gripper’s four boxed dimensions as basic, as its manifest lists them', async () => {
    const x = fromPdf('Gripper.PDF', await extractPdf(new Uint8Array(fs.readFileSync(corpusPath('pdf/Gripper.PDF')))));
    const basic = x.dimensions.filter((d) => d.tolerance?.type === 'basic').map((d) => d.text);
    // Manifest: [Ø6.15], [Ø68.50], [7.00], [45°] basic (the Ø is drawn as lines, not text).
    expect(basic.sort()).toEqual(['[45°]', '[6.15]', '[68.50]', '[7.00]']);
    expect(x.dimensions.find((d) => d.text === '[45°]')).toMatchObject({ kind: 'angular', value: 45, unit: 'deg' });
  });
});
