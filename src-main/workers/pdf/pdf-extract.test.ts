/**
 * PDF extraction and the title block reading on the corpus drawings: the facts their manifest
 * states (pages, document title, text items, title block fields, thread callouts, surface finish).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractPdf } from './pdf-extract';
import { readTitleBlock } from '../reading/title-block';
import { readSurfaceFinish, readThreads } from '../reading/callouts';
import { corpusAvailable, corpusFiles, corpusPath } from '../testing/corpus';

const files = corpusAvailable() ? corpusFiles().filter((f) => f.file.toLowerCase().endsWith('.pdf')) : [];
const read = async (file: string): Promise<Awaited<ReturnType<typeof extractPdf>>> => extractPdf(new Uint8Array(fs.readFileSync(corpusPath(file))));

describe.runIf(files.length > 0)('PDF extraction on the corpus', () => {
  for (const f of files) {
    it(`reads ${f.file}: pages, title, text items`, async () => {
      const e = f.expected as { pdf_info: { Title: string; Pages: number }; pdfjs_text_items_nonempty: number };
      const x = await read(f.file);
      expect(x.pages).toHaveLength(e.pdf_info.Pages);
      expect(x.info.Title).toBe(e.pdf_info.Title);
      expect(x.pages[0]!.items).toHaveLength(e.pdfjs_text_items_nonempty);
    });
  }

  it('reads the Adapterplatte title block (German labels), its thread callout and its general tolerance', async () => {
    const x = await read('pdf/Adapterplatte.PDF');
    expect(x.pages[0]).toMatchObject({ width: 1190.55, height: 841.89 });
    expect(readTitleBlock(x.pages[0]!.items)).toEqual({
      drawingNumber: null, title: 'Stahl Adapterplatte', revision: null, scale: '1:2', sheet: '1 VON 1', format: 'A3', material: 'Stahl',
      drawnBy: null, date: null, generalTolerance: '+0.1/-0.1',
    });
    expect(x.text.flatMap((t) => readThreads(t))).toEqual([{ text: '4 x M8', designation: 'M8', count: 4 }]);
    expect(x.text).toContain('SCHNITT A-A');
  });

  it('reads the Gripper title block (English labels) and its surface finish', async () => {
    const x = await read('pdf/Gripper.PDF');
    expect(readTitleBlock(x.pages[0]!.items)).toMatchObject({
      drawingNumber: 'UR10_29.20', title: 'Weird_Gripper_Cam_Adapter', scale: '1:1', sheet: '1 OF 1', format: 'A4', material: 'PLA',
    });
    expect(x.text.flatMap((t) => readSurfaceFinish(t))).toEqual(['Ra 12']);
    // Rotated texts are kept (a dimension at 45°).
    expect(x.pages[0]!.items.find((t) => t.str.startsWith('R1.00'))!.rotation).toBe(-45);
  });

  it('fails on bytes that are not a PDF', async () => {
    await expect(extractPdf(new TextEncoder().encode('not a pdf at all'))).rejects.toThrow();
  });
});
