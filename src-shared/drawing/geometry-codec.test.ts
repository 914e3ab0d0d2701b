import { describe, expect, it } from 'vitest';
import { FOREGROUND, GEOMETRY_FORMAT_VERSION, TEXT_STRIDE, decodeGeometry, encodeGeometry, textAt, type DrawingGeometry } from './geometry-codec';

function sample(): DrawingGeometry {
  return {
    units: 'millimeters',
    origin: { x: 500_000.25, y: 4_200_000.5 },
    extents: { min: { x: 499_990, y: 4_199_990 }, max: { x: 500_010, y: 4_200_010 } },
    layers: [
      { name: '0', color: FOREGROUND, entityCount: 3, visible: true },
      { name: 'Wände ✓', color: 0xff0000, entityCount: 1, visible: false },
    ],
    batches: [
      { layer: 0, color: FOREGROUND, segments: new Float32Array([0, 0, 1, 1, 1, 1, 2, 0]), triangles: new Float32Array([0, 0, 1, 0, 0, 1]) },
      { layer: 1, color: 0x00ff00, segments: new Float32Array([-5, -5, 5, 5]), triangles: new Float32Array(0) },
    ],
    blocks: [
      {
        name: 'BOLT',
        layer: 1,
        batches: [{ layer: 1, color: 0xff0000, segments: new Float32Array([0, 0, 0.5, 0]), triangles: new Float32Array(0) }],
        instances: new Float32Array([1, 0, 0, 1, 3, 4, 0, 1, -1, 0, -3, -4]),
      },
    ],
    texts: {
      strings: ['TITLE', 'two\nlines ⌀8'],
      data: new Float32Array([0, 5, 2.5, 0, 0, FOREGROUND, 7, 3, -2, 1.8, Math.PI / 2, 1, 0xff0000, 1]),
    },
    stats: { segments: 4, triangles: 1, instances: 2, texts: 2, flattenedInserts: 0, skipped: { XLINE: 1 }, truncated: false },
  };
}

const decode = (data: ArrayBuffer | ArrayBufferView): DrawingGeometry => {
  const r = decodeGeometry(data);
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('drawing geometry file', () => {
  it('round-trips every part of the geometry', () => {
    const g = sample();
    const back = decode(encodeGeometry(g));
    expect(back).toEqual(g);
    expect(textAt(back.texts, 1)).toEqual({ text: 'two\nlines ⌀8', x: 3, y: -2, height: expect.closeTo(1.8, 5), rotation: expect.closeTo(Math.PI / 2, 5), layer: 1, color: 0xff0000, attachment: 1 });
  });

  it('is a versioned header, a 4-byte-aligned meta JSON and float payloads that decode as views on the same buffer', () => {
    const bytes = encodeGeometry(sample());
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('BPDG');
    expect(view.getUint32(4, true)).toBe(GEOMETRY_FORMAT_VERSION);
    const metaBytes = view.getUint32(8, true);
    const payloadBytes = view.getUint32(12, true);
    expect(bytes.length).toBe(16 + Math.ceil(metaBytes / 4) * 4 + payloadBytes);
    const g = decode(bytes.buffer);
    for (const a of [g.batches[0]!.segments, g.blocks[0]!.instances, g.texts.data]) {
      expect(a.buffer).toBe(bytes.buffer);
      expect(a.byteOffset % 4).toBe(0);
    }
    // Zero copies: writing through the view is writing into the file's bytes.
    g.batches[0]!.segments[0] = 42;
    expect(decode(bytes.buffer).batches[0]!.segments[0]).toBe(42);
    expect(g.texts.data.length).toBe(2 * TEXT_STRIDE);
  });

  it('reads from a view at an offset in a larger buffer (copying once only when it is not aligned)', () => {
    const bytes = encodeGeometry(sample());
    for (const offset of [8, 3]) {
      const big = new Uint8Array(bytes.length + 16);
      big.set(bytes, offset);
      const g = decode(big.subarray(offset, offset + bytes.length));
      expect(g).toEqual(sample());
      expect(g.batches[0]!.segments.buffer === big.buffer).toBe(offset % 4 === 0);
    }
  });

  it('keeps coordinates precise far from 0,0 by storing them relative to the origin', () => {
    const g = sample();
    const back = decode(encodeGeometry(g));
    // 0.25 mm at 4 200 000 would be lost in a float32; relative to the origin it is exact.
    expect(back.origin.y + back.batches[0]!.segments[3]!).toBe(4_200_001.5);
  });

  it('says what is wrong with a file that is not one, is cut short, or comes from a newer version', () => {
    const bytes = encodeGeometry(sample());
    expect(decodeGeometry(new Uint8Array(4))).toEqual({ ok: false, error: 'The drawing preview is empty or cut short.' });
    expect(decodeGeometry(new TextEncoder().encode('0\nSECTION\n2\nHEADER\n'))).toEqual({ ok: false, error: 'This is not a drawing preview file.' });
    expect(decodeGeometry(bytes.subarray(0, bytes.length - 8))).toEqual({ ok: false, error: 'The drawing preview is cut short.' });
    const newer = bytes.slice();
    new DataView(newer.buffer).setUint32(4, GEOMETRY_FORMAT_VERSION + 1, true);
    const r = decodeGeometry(newer);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/newer version of Baseplate/);
    const damaged = bytes.slice();
    damaged[17] = 0xff;
    expect(decodeGeometry(damaged)).toEqual({ ok: false, error: 'The drawing preview is damaged (its description is not readable).' });
  });

  it('encodes an empty drawing', () => {
    const empty: DrawingGeometry = {
      units: null,
      origin: { x: 0, y: 0 },
      extents: null,
      layers: [],
      batches: [],
      blocks: [],
      texts: { strings: [], data: new Float32Array(0) },
      stats: { segments: 0, triangles: 0, instances: 0, texts: 0, flattenedInserts: 0, skipped: {}, truncated: false },
    };
    expect(decode(encodeGeometry(empty))).toEqual(empty);
  });
});
