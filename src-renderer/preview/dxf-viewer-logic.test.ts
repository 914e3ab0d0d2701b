/**
 * The viewer's logic that needs no browser: snapping to end points (instances included), finding
 * texts, layer visibility and what it leaves drawn, glyph layout.
 */
import { describe, expect, it } from 'vitest';
import { FOREGROUND, TEXT_STRIDE, type DrawingGeometry, type LineBatch } from '../../src-shared/drawing/geometry-codec';
import { boxOf, findTextIndex, textCorners, zoomBoxFor } from './dxf-find';
import { charactersOf, glyphMetrics, layoutGlyphs, measureLine, planAtlas } from './dxf-glyphs';
import { allLayers, drawnCounts, initialHidden, toggleLayer } from './dxf-layers';
import { NO_INSERT, SnapIndex, collectEndpoints } from './dxf-snap';

const batch = (layer: number, segments: number[], color = FOREGROUND): LineBatch => ({ layer, color, segments: new Float32Array(segments), triangles: new Float32Array(0) });

function drawing(): DrawingGeometry {
  const texts = [
    { s: 'DRAWING NO.', x: 0, y: 100, layer: 0 },
    { s: 'Kitchen\nfloor 2', x: 50, y: 60, layer: 1 },
    { s: 'KITCHEN', x: 10, y: 10, layer: 0 },
  ];
  const data = new Float32Array(texts.length * TEXT_STRIDE);
  texts.forEach((t, i) => data.set([t.x, t.y, 2, 0, t.layer, FOREGROUND, 7], i * TEXT_STRIDE));
  return {
    units: 'millimeters',
    origin: { x: 0, y: 0 },
    extents: { min: { x: 0, y: 0 }, max: { x: 100, y: 100 } },
    layers: [
      { name: '0', color: FOREGROUND, entityCount: 3, visible: true },
      { name: 'NOTES', color: 0xff0000, entityCount: 1, visible: true },
      { name: 'BOLTS', color: 0x00ff00, entityCount: 2, visible: true },
      { name: 'OFF', color: 0x0000ff, entityCount: 1, visible: false },
    ],
    batches: [batch(0, [0, 0, 10, 0, 10, 0, 10, 10]), batch(3, [50, 50, 60, 60])],
    blocks: [
      {
        name: 'BOLT',
        layer: 2,
        batches: [batch(0, [-1, 0, 1, 0]), batch(1, [0, -1, 0, 1])],
        // Two instances: at (20, 20), and at (40, 20) turned a quarter.
        instances: new Float32Array([1, 0, 0, 1, 20, 20, 0, 1, -1, 0, 40, 20]),
      },
    ],
    texts: { strings: texts.map((t) => t.s), data },
    stats: { segments: 6, triangles: 0, instances: 2, texts: 3, flattenedInserts: 0, skipped: {}, truncated: false },
  };
}

describe('snapping', () => {
  it('collects end points of world segments and of every block instance, placed', () => {
    const p = collectEndpoints(drawing());
    expect(p.count).toBe(6 + 2 * 2 * 2);
    const pts = Array.from({ length: p.count }, (_, i) => `${Math.round(p.xy[2 * i]!)},${Math.round(p.xy[2 * i + 1]!)}`);
    expect(pts).toContain('19,20');
    // (1, 0) of the turned instance lands at (40, 21).
    expect(pts).toContain('40,21');
    expect(p.insertLayer[0]).toBe(NO_INSERT);
    expect(p.insertLayer[p.count - 1]).toBe(2);
    expect(collectEndpoints(drawing(), 5).count).toBe(5);
  });

  it('finds the nearest end point within the radius, only on shown layers', () => {
    const index = new SnapIndex(collectEndpoints(drawing()));
    expect(index.nearest(10.4, 9.5, 1)).toEqual({ x: 10, y: 10, layer: 0 });
    expect(index.nearest(10.4, 5, 1)).toBeNull();
    expect(index.nearest(21.2, 20.1, 0.5)).toMatchObject({ x: 21, y: 20 });
    // Its insert's layer hidden: the instance's points are not snapped to.
    expect(index.nearest(21.2, 20.1, 0.5, (_layer, insertLayer) => insertLayer !== 2)).toBeNull();
    expect(index.nearest(50.2, 50.2, 1, (layer) => layer !== 3)).toBeNull();
  });

  it('indexes many points and answers like a search through all of them', () => {
    const n = 20_000;
    const xy = new Float32Array(2 * n);
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 16807) % 2147483647) / 2147483647) * 1000;
    for (let i = 0; i < 2 * n; i++) xy[i] = rnd();
    const points = { xy, layer: new Uint32Array(n), insertLayer: new Uint32Array(n).fill(NO_INSERT), count: n };
    const index = new SnapIndex(points);
    for (let q = 0; q < 200; q++) {
      const [x, y, r] = [rnd(), rnd(), 8];
      let best: [number, number] | null = null;
      let bestD = r * r;
      for (let i = 0; i < n; i++) {
        const d = (xy[2 * i]! - x) ** 2 + (xy[2 * i + 1]! - y) ** 2;
        if (d <= bestD) [best, bestD] = [[xy[2 * i]!, xy[2 * i + 1]!], d];
      }
      const hit = index.nearest(x, y, r);
      expect(hit ? [hit.x, hit.y] : null).toEqual(best);
    }
  });
});

describe('finding texts', () => {
  const strings = drawing().texts.strings;

  it('finds the first text containing the query, ignoring case and line breaks', () => {
    expect(findTextIndex(strings, 'kitchen')).toBe(1);
    expect(findTextIndex(strings, 'KITCHEN FLOOR')).toBe(1);
    expect(findTextIndex(strings, 'no.')).toBe(0);
    expect(findTextIndex(strings, 'attic')).toBe(-1);
    expect(findTextIndex(strings, '  ')).toBe(-1);
    expect(findTextIndex(strings, undefined)).toBe(-1);
  });

  it('prefers a text on a shown layer, and finds one on a hidden layer when that is all there is', () => {
    expect(findTextIndex(strings, 'kitchen', (i) => i !== 1)).toBe(2);
    expect(findTextIndex(strings, 'floor', (i) => i !== 1)).toBe(1);
  });

  it('outlines a text where it is drawn, and zooms to it with room around it', () => {
    const measure = (line: string): number => line.length * 0.5;
    const corners = textCorners({ text: 'ABCD', x: 10, y: 20, height: 2, rotation: 0, layer: 0, color: FOREGROUND, attachment: 7 }, measure);
    expect(boxOf(corners)).toEqual({ minX: 10, minY: 19.5, maxX: 14, maxY: 22 });
    const turned = textCorners({ text: 'ABCD', x: 0, y: 0, height: 1, rotation: Math.PI / 2, layer: 0, color: FOREGROUND, attachment: 7 }, measure);
    const b = boxOf(turned);
    expect(b.maxY).toBeCloseTo(2);
    expect(b.minX).toBeCloseTo(-1);
    const zoom = zoomBoxFor({ minX: 10, minY: 19.5, maxX: 14, maxY: 22 }, 2);
    expect(zoom.maxX - zoom.minX).toBe(24);
    expect((zoom.minX + zoom.maxX) / 2).toBe(12);
  });
});

describe('layer visibility', () => {
  it('starts with the layers the drawing has off hidden, and toggles one or all', () => {
    const g = drawing();
    const hidden = initialHidden(g.layers);
    expect([...hidden]).toEqual([3]);
    expect([...toggleLayer(hidden, 1)].sort()).toEqual([1, 3]);
    expect([...toggleLayer(hidden, 3)]).toEqual([]);
    expect(allLayers(g.layers, true).size).toBe(0);
    expect(allLayers(g.layers, false).size).toBe(4);
  });

  it('counts what is drawn: a layer hides its batches; a block’s insert layer hides all its instances', () => {
    const g = drawing();
    expect(drawnCounts(g, new Set())).toEqual({ batches: 4, instances: 2, visibleLayers: 4 });
    expect(drawnCounts(g, initialHidden(g.layers))).toEqual({ batches: 3, instances: 2, visibleLayers: 3 });
    expect(drawnCounts(g, new Set([0]))).toEqual({ batches: 2, instances: 2, visibleLayers: 3 });
    expect(drawnCounts(g, new Set([0, 1]))).toEqual({ batches: 1, instances: 0, visibleLayers: 2 });
    expect(drawnCounts(g, new Set([2]))).toEqual({ batches: 2, instances: 0, visibleLayers: 3 });
  });
});

describe('glyphs', () => {
  const advance = (ch: string): number => (ch === 'W' ? 40 : 24);

  it('plans an atlas of each character once, with a fallback, in rows', () => {
    expect(charactersOf(['AB A', 'B\nC'])).toEqual(['A', 'B', 'C']);
    const plan = planAtlas(['A', 'W'], advance, 48, 4);
    expect([...plan.cells.keys()]).toEqual(['?', 'A', 'W']);
    expect(plan.cells.get('W')).toEqual({ x: 64, y: 0, w: 48, h: 71 });
    const many = planAtlas(Array.from({ length: 400 }, (_, i) => String.fromCodePoint(0x4e00 + i)), () => 48, 48, 4);
    expect(many.height).toBeGreaterThan(71);
    expect(many.width).toBeLessThanOrEqual(4096);
  });

  it('lays out one quad per visible character, by layer, along each line', () => {
    const g = drawing();
    const plan = planAtlas(charactersOf(g.texts.strings), advance);
    const metrics = glyphMetrics(plan, advance);
    const space = 0.3;
    const runs = layoutGlyphs(g.texts, metrics, space);
    expect(runs.map((r) => [r.layer, r.count])).toEqual([
      [0, 'DRAWINGNO.'.length + 'KITCHEN'.length],
      [1, 'Kitchenfloor2'.length],
    ]);
    const first = runs[0]!;
    // The first glyph of DRAWING NO. sits at the text's anchor, its quad starting a pad before the pen.
    expect(Array.from(first.anchors.subarray(0, 4))).toEqual([0, 100, 2, 0]);
    const m = metrics.get('D')!;
    expect(first.boxes[0]).toBeCloseTo(m.x0);
    // The second glyph starts one advance along.
    expect(first.boxes[4]! - first.boxes[0]!).toBeCloseTo(m.advance);
    expect(measureLine(metrics, 'DR W', space)).toBeCloseTo(m.advance + metrics.get('R')!.advance + space + metrics.get('W')!.advance);
    expect(Array.from(first.texts.slice(0, 2))).toEqual([0, 0]);
    // Limited: no more quads than allowed.
    expect(layoutGlyphs(g.texts, metrics, space, 5).reduce((n, r) => n + r.count, 0)).toBe(5);
  });
});
