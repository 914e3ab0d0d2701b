/**
 * DXF preview files: geometry.bin and thumb.png written by the extraction worker into the job's
 * folder and listed in its result; the thumbnail decodes to the right size, is not blank and draws
 * ACI 7 black on white.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, loadImage } from '@napi-rs/canvas';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeGeometry } from '../../../src-shared/drawing/geometry-codec';
import { WorkerPool } from '../pool';
import { corpusAvailable, corpusPath } from '../testing/corpus';
import type { ExtractJob } from '../extract/extract.worker';
import type { FileExtraction } from '../extract/file-extraction';
import { dxfPreviews, thumbnailSize, writeDxfPreviews } from './dxf-preview';
import { readDxf } from './dxf-read';
import { circle, dxfText, line, type DxfGroup } from './dxf-test-writer';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'baseplate-dxf-preview-'));
const pool = new WorkerPool<ExtractJob, FileExtraction>({ url: new URL('../extract/extract.worker.ts', import.meta.url), size: 1, timeMs: 60_000, heapMb: 512 });
afterAll(async () => {
  await pool.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

let n = 0;
const freshDir = (): string => {
  const d = path.join(dir, `out-${n++}`);
  fs.mkdirSync(d);
  return d;
};

/** The PNG's pixels, RGBA. */
async function pixels(file: string): Promise<{ width: number; height: number; data: Uint8ClampedArray }> {
  const image = await loadImage(fs.readFileSync(file));
  const canvas = createCanvas(image.width, image.height);
  const ctx = canvas.getContext('2d');
  ctx.drawImage(image, 0, 0);
  return { width: image.width, height: image.height, data: ctx.getImageData(0, 0, image.width, image.height).data };
}

/** Pixels that are not the white background, by colour (rgb as hex), most frequent first. */
function inked(data: Uint8ClampedArray): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i] === 255 && data[i + 1] === 255 && data[i + 2] === 255) continue;
    const key = [data[i]!, data[i + 1]!, data[i + 2]!].map((v) => v.toString(16).padStart(2, '0')).join('');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].sort((a, b) => b[1] - a[1]));
}

describe('DXF preview files', () => {
  it.runIf(corpusAvailable())('writes the geometry and a thumbnail 512 px on its longest side for a corpus drawing', async () => {
    const out = freshDir();
    const dxf = readDxf(fs.readFileSync(corpusPath('dxf/Ceco.NET-Architecture-Tm-53.dxf'), 'utf8'));
    expect(await writeDxfPreviews(dxf, out)).toEqual({ thumbnails: ['thumb.png'], geometry: 'geometry.bin' });
    const g = decodeGeometry(fs.readFileSync(path.join(out, 'geometry.bin')));
    expect(g.ok && g.value.layers.length).toBe(13);
    const png = await pixels(path.join(out, 'thumb.png'));
    // 43.1 m × 32.6 m: landscape.
    expect(png.width).toBe(512);
    expect(png.height).toBe(Math.round((512 * 32.63) / 43.13));
    const ink = inked(png.data);
    const total = [...ink.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(png.width * png.height * 0.03);
    expect(total).toBeLessThan(png.width * png.height * 0.6);
  });

  it('draws ACI 7 black and light colours darkened on white, in a tall thumbnail', async () => {
    const out = freshDir();
    const entities: DxfGroup[] = [];
    for (let i = 0; i <= 20; i++) entities.push(...line('0', 0, i * 10, 100, i * 10));
    entities.push(...circle('YELLOW', 50, 100, 40), ...circle('YELLOW', 50, 100, 41));
    const dxf = readDxf(dxfText({ layers: [{ name: '0', color: 7 }, { name: 'YELLOW', color: 2 }], entities }));
    await writeDxfPreviews(dxf, out);
    const png = await pixels(path.join(out, 'thumb.png'));
    expect([png.width, png.height]).toEqual([Math.round(512 * (100 / 200)), 512]);
    const colours = [...inked(png.data).keys()];
    // The most common ink is black (the horizontal lines, pixel-aligned or not, are greys of black).
    const [r, g, b] = [0, 2, 4].map((k) => parseInt(colours[0]!.slice(k, k + 2), 16));
    expect(r).toBe(g);
    expect(g).toBe(b);
    // Yellow shows as a darker yellow, never as pure yellow.
    expect(colours).not.toContain('ffff00');
    expect(colours.some((c) => c.slice(0, 2) === c.slice(2, 4) && parseInt(c.slice(0, 2), 16) > 80 && parseInt(c.slice(4, 6), 16) < 40)).toBe(true);
  });

  it('sizes thumbnails by the longest side, and an empty drawing as a square', () => {
    expect(thumbnailSize({ min: { x: 0, y: 0 }, max: { x: 1000, y: 10 } })).toEqual({ width: 512, height: 16 });
    expect(thumbnailSize({ min: { x: 0, y: 0 }, max: { x: 30, y: 60 } })).toEqual({ width: 256, height: 512 });
    expect(thumbnailSize(null)).toEqual({ width: 512, height: 512 });
  });

  it('reports, rather than fails, previews it could not write', async () => {
    const dxf = readDxf(dxfText({ entities: line('0', 0, 0, 1, 1) }));
    const r = await dxfPreviews(dxf, path.join(dir, 'no-such-folder'));
    expect(r.previews).toEqual({ thumbnails: [] });
    expect(r.warnings).toEqual([expect.stringMatching(/^The preview could not be made \(.*no-such-folder/)]);
  });

  it('lists the preview files in the extraction worker’s result when the job names a folder, and writes none otherwise', async () => {
    const file = path.join(dir, 'plate.dxf');
    fs.writeFileSync(file, dxfText({ entities: [...line('0', 0, 0, 100, 0), ...circle('0', 50, 20, 10), [0, 'TEXT'], [8, '0'], [10, 0], [20, 40], [30, 0], [40, 5], [1, 'PLATE']] }));
    const out = freshDir();
    const withPreviews = await pool.run({ path: file, outDir: out });
    expect(withPreviews).toMatchObject({ kind: 'dxf', text: ['PLATE'], previews: { thumbnails: ['thumb.png'], geometry: 'geometry.bin' } });
    expect(fs.readdirSync(out).sort()).toEqual(['geometry.bin', 'thumb.png']);
    const png = await pixels(path.join(out, 'thumb.png'));
    expect(png.width).toBe(512);
    expect(inked(png.data).size).toBeGreaterThan(0);
    const without = await pool.run({ path: file });
    expect(without.previews).toBeUndefined();
    expect(without.text).toEqual(['PLATE']);
  });
});
