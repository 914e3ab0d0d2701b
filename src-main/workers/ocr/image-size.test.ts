import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createCanvas } from '@napi-rs/canvas';
import { corpusAvailable, corpusPath } from '../testing/corpus';
import { imagePixelSize } from './image-size';

/** A little-endian TIFF header with one IFD holding width and height (SHORT, then LONG). */
function tiffHeader(width: number, height: number, bigEndian = false): Uint8Array {
  const b = new Uint8Array(8 + 2 + 2 * 12 + 4);
  const v = new DataView(b.buffer);
  const le = !bigEndian;
  b.set(bigEndian ? [0x4d, 0x4d, 0, 42] : [0x49, 0x49, 42, 0]);
  v.setUint32(4, 8, le);
  v.setUint16(8, 2, le);
  v.setUint16(10, 256, le);
  v.setUint16(12, 3, le);
  v.setUint32(14, 1, le);
  v.setUint16(18, width, le);
  v.setUint16(22, 257, le);
  v.setUint16(24, 4, le);
  v.setUint32(26, 1, le);
  v.setUint32(30, height, le);
  return b;
}

describe('image sizes from headers', () => {
  it('reads PNG and JPEG sizes as the encoder wrote them', async () => {
    const canvas = createCanvas(321, 123);
    expect(imagePixelSize(new Uint8Array(canvas.toBuffer('image/png')))).toEqual({ width: 321, height: 123 });
    expect(imagePixelSize(new Uint8Array(await canvas.encode('jpeg')))).toEqual({ width: 321, height: 123 });
  });

  it.runIf(corpusAvailable())('reads the corpus scan (JPEG 1653 × 2339)', () => {
    expect(imagePixelSize(new Uint8Array(fs.readFileSync(corpusPath('img/Candle_holder.jpg'))))).toEqual({ width: 1653, height: 2339 });
  });

  it('reads TIFF sizes in either byte order, and says nothing for what it cannot read', () => {
    expect(imagePixelSize(tiffHeader(60000, 40000))).toEqual({ width: 60000, height: 40000 });
    expect(imagePixelSize(tiffHeader(800, 600, true))).toEqual({ width: 800, height: 600 });
    expect(imagePixelSize(new Uint8Array([0x89, 0x50, 0x4e, 0x47]))).toBeNull();
    expect(imagePixelSize(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toBeNull();
    expect(imagePixelSize(new TextEncoder().encode('not an image'))).toBeNull();
  });
});
