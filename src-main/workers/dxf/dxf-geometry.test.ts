/**
 * Preview geometry: on every corpus DXF (extents against what the file's header and the manifest
 * say, every layer with entities drawn), and on drawings written here for what the corpus does
 * not show (a block inserted 1000 times, nested inserts, MINSERT grids, colour inheritance,
 * curves within tolerance, texts).
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FOREGROUND, INSTANCE_STRIDE, decodeGeometry, encodeGeometry, textAt, type DrawingGeometry, type LineBatch } from '../../../src-shared/drawing/geometry-codec';
import { corpusAvailable, corpusFiles, corpusPath } from '../testing/corpus';
import { buildGeometry } from './dxf-geometry';
import { readDxf } from './dxf-read';
import { circle, dxfText, insert, line, text, type DxfGroup, type DxfParts } from './dxf-test-writer';

const build = (parts: DxfParts, options = {}): DrawingGeometry => buildGeometry(readDxf(dxfText(parts)), options);
const layerNamed = (g: DrawingGeometry, name: string): number => g.layers.findIndex((l) => l.name === name);

/** World segments (x1 y1 x2 y2, absolute) of every world batch on a layer. */
function worldSegments(g: DrawingGeometry, filter: (b: LineBatch) => boolean = () => true): number[][] {
  const out: number[][] = [];
  for (const b of g.batches.filter(filter)) {
    for (let i = 0; i < b.segments.length; i += 4) out.push([b.segments[i]! + g.origin.x, b.segments[i + 1]! + g.origin.y, b.segments[i + 2]! + g.origin.x, b.segments[i + 3]! + g.origin.y]);
  }
  return out;
}

/** Where an instance puts a block-space point, in absolute world coordinates. */
function place(g: DrawingGeometry, t: Float32Array, i: number, x: number, y: number): [number, number] {
  const o = i * INSTANCE_STRIDE;
  return [t[o]! * x + t[o + 2]! * y + t[o + 4]! + g.origin.x, t[o + 1]! * x + t[o + 3]! * y + t[o + 5]! + g.origin.y];
}

const dxfFiles = corpusAvailable() ? corpusFiles().filter((f) => f.file.endsWith('.dxf')) : [];

describe.runIf(dxfFiles.length > 0)('preview geometry of the corpus drawings', () => {
  for (const f of dxfFiles) {
    it(`draws ${f.file}: extents within the file's, every layer with entities drawn`, () => {
      const dxf = readDxf(fs.readFileSync(corpusPath(f.file), 'utf8'));
      const g = buildGeometry(dxf);
      const e = f.expected as { layers_in_table_order?: string[]; entities_per_layer?: Record<string, number>; header?: { $INSUNITS?: number } };
      // Layers: the table's order first, with the manifest's entity counts.
      if (e.layers_in_table_order) expect(g.layers.slice(0, e.layers_in_table_order.length).map((l) => l.name)).toEqual(e.layers_in_table_order);
      if (e.entities_per_layer) expect(Object.fromEntries(g.layers.filter((l) => l.entityCount > 0).map((l) => [l.name, l.entityCount]))).toEqual(e.entities_per_layer);
      if (e.header?.$INSUNITS === 6) expect(g.units).toBe('meters');
      // Every layer with entities has something drawn on it: lines, fills, instances of its inserts or texts
      // (not counting inserts of empty blocks, which draw nothing, and what the preview leaves out).
      const blocks = dxf.blocks as unknown as Record<string, { entities?: unknown[] }>;
      const drawsSomething = (x: { type: string; name?: string }): boolean => !(x.type === 'INSERT' && !blocks[x.name ?? '']?.entities?.length) && !(x.type in g.stats.skipped);
      const entities = dxf.entities as unknown as Array<{ type: string; name?: string; layer?: string; inPaperSpace?: boolean }>;
      for (const [i, layer] of g.layers.entries()) {
        if (!entities.some((x) => !x.inPaperSpace && (x.layer ?? '0') === layer.name && drawsSomething(x))) continue;
        const drawn =
          g.batches.some((b) => b.layer === i) ||
          g.blocks.some((b) => b.layer === i || b.batches.some((x) => x.layer === i)) ||
          Array.from({ length: g.texts.strings.length }, (_, k) => textAt(g.texts, k)).some((t) => t.layer === i);
        expect(drawn, `${f.file}: layer ${layer.name}`).toBe(true);
      }
      // Extents: inside the header's $EXTMIN/$EXTMAX (AutoCAD's own, which also count what the preview leaves out) ...
      const header = dxf.header as { $EXTMIN?: { x: number; y: number }; $EXTMAX?: { x: number; y: number } };
      expect(g.extents).not.toBeNull();
      const ext = g.extents!;
      const hmin = header.$EXTMIN!;
      const hmax = header.$EXTMAX!;
      const slack = 0.01 * Math.hypot(hmax.x - hmin.x, hmax.y - hmin.y);
      expect(ext.min.x).toBeGreaterThanOrEqual(hmin.x - slack);
      expect(ext.min.y).toBeGreaterThanOrEqual(hmin.y - slack);
      expect(ext.max.x).toBeLessThanOrEqual(hmax.x + slack);
      expect(ext.max.y).toBeLessThanOrEqual(hmax.y + slack);
      // ... and equal to them where the preview draws everything the file has and its header is current.
      if (f.file.includes('Ceco.NET') || f.file.includes('libredwg')) {
        for (const [a, b] of [
          [ext.min.x, hmin.x],
          [ext.min.y, hmin.y],
          [ext.max.x, hmax.x],
          [ext.max.y, hmax.y],
        ] as const) {
          expect(Math.abs(a - b), f.file).toBeLessThan(slack);
        }
      }
      // The file round-trips.
      const back = decodeGeometry(encodeGeometry(g));
      expect(back.ok && back.value.stats).toEqual(g.stats);
    });
  }

  it('finds the texts of the architectural sample where its MTEXTs and dimensions are', () => {
    const g = buildGeometry(readDxf(fs.readFileSync(corpusPath('dxf/Ceco.NET-Architecture-Tm-53.dxf'), 'utf8')));
    expect([...g.texts.strings].sort()).toEqual(['1.10', '2.04', '4.10', '4.30', '5.05', 'A', 'A', 'B', 'B', 'E-1', 'E-2', 'HALL', 'KITCHEN', 'PROJECCTION\nLINES', 'PROJECTION OF THE ROOF', 'R1.08', 'Roof Projection', 'www.Ceco.NET'].sort());
    // Every text lies within the drawing.
    for (let i = 0; i < g.texts.strings.length; i++) {
      const t = textAt(g.texts, i);
      expect(t.x + g.origin.x).toBeGreaterThanOrEqual(g.extents!.min.x - 1);
      expect(t.y + g.origin.y).toBeLessThanOrEqual(g.extents!.max.y + 1);
    }
  });

  it('draws the MINSERT grid of flags as 25 instances of one block, its attributes in every cell', () => {
    const g = buildGeometry(readDxf(fs.readFileSync(corpusPath('dxf/multi_insert_with_attribs.dxf'), 'utf8')));
    expect(g.blocks.map((b) => [b.name, b.instances.length / INSTANCE_STRIDE])).toEqual([['FLAG', 25]]);
    expect(g.texts.strings.filter((s) => s === 'Flag')).toHaveLength(25);
  });
});

describe('preview geometry of written drawings', () => {
  const bolt: DxfGroup[] = [...line('0', -1, 0, 1, 0), ...line('0', 0, -1, 0, 1), ...circle('0', 0, 0, 0.5)];

  it('keeps a block inserted 1000 times as one definition with 1000 instances', () => {
    const entities: DxfGroup[] = [];
    for (let i = 0; i < 1000; i++) entities.push(...insert('BOLTS', 'BOLT', (i % 40) * 10, Math.floor(i / 40) * 10));
    const g = build({ layers: [{ name: '0', color: 7 }, { name: 'BOLTS', color: 1 }], blocks: [{ name: 'BOLT', entities: bolt }], entities });
    expect(g.blocks).toHaveLength(1);
    const [block] = g.blocks;
    expect(block!.name).toBe('BOLT');
    expect(block!.layer).toBe(layerNamed(g, 'BOLTS'));
    expect(block!.instances.length).toBe(1000 * INSTANCE_STRIDE);
    expect(g.stats.instances).toBe(1000);
    // The block's geometry once, in block space, on the insert's layer (its entities are on layer 0) in the layer's red.
    expect(block!.batches).toHaveLength(1);
    expect(block!.batches[0]).toMatchObject({ layer: layerNamed(g, 'BOLTS'), color: 0xff0000 });
    expect(block!.batches[0]!.segments.length / 4).toBeLessThan(200);
    expect(g.batches).toEqual([]);
    // Instance 999 puts the block's origin at (390, 240).
    expect(place(g, block!.instances, 999, 0, 0)).toEqual([390, 240]);
    expect(g.extents).toEqual({ min: { x: -1, y: -1 }, max: { x: 391, y: 241 } });
  });

  it('draws a block used rarely into the world batches, scaled and rotated as inserted', () => {
    const g = build({
      blocks: [{ name: 'ARROW', base: [1, 0], entities: line('0', 1, 0, 3, 0) }],
      entities: [...insert('0', 'ARROW', 10, 10, [[41, 2], [42, 2], [50, 90]]), ...insert('0', 'ARROW', 0, 0)],
    });
    expect(g.blocks).toEqual([]);
    expect(g.stats.flattenedInserts).toBe(2);
    const segs = worldSegments(g).map((s) => s.map((v) => Math.round(v * 1e6) / 1e6));
    expect(segs).toEqual([
      [10, 10, 10, 14],
      [0, 0, 2, 0],
    ]);
  });

  it('expands nested inserts and MINSERT grids into instances with composed maps', () => {
    const row: DxfGroup[] = [...line('0', 0, 0, 100, 0)];
    for (let i = 0; i < 10; i++) row.push(...insert('0', 'BOLT', i * 10, 5));
    const g = build({
      blocks: [
        { name: 'BOLT', entities: bolt },
        { name: 'ROW', entities: row },
      ],
      entities: [
        // Five rows, the last rotated a quarter turn.
        ...[0, 1, 2, 3].flatMap((i) => insert('0', 'ROW', 0, i * 20)),
        ...insert('0', 'ROW', 500, 0, [[50, 90]]),
        // A MINSERT: 3 columns × 4 rows, 7 and 9 apart, rotated 90°.
        ...insert('0', 'BOLT', 1000, 0, [[50, 90], [70, 3], [71, 4], [44, 7], [45, 9]]),
      ],
    });
    const byName = Object.fromEntries(g.blocks.map((b) => [b.name, b]));
    expect(byName.ROW!.instances.length / INSTANCE_STRIDE).toBe(5);
    expect(byName.BOLT!.instances.length / INSTANCE_STRIDE).toBe(50 + 12);
    const bolts = byName.BOLT!.instances;
    const at = Array.from({ length: bolts.length / INSTANCE_STRIDE }, (_, i) => place(g, bolts, i, 0, 0).map((v) => Math.round(v * 1000) / 1000).join(','));
    // Bolt 3 of the rotated row: (30, 5) turned a quarter about the row's origin at (500, 0).
    expect(at).toContain('495,30');
    expect(at).toContain('30,65');
    // The MINSERT grid is rotated with the insert: column 2, row 3 at (1000, 0) + R90 (14, 27).
    expect(at).toContain('973,14');
    expect(new Set(at).size).toBe(62);
  });

  it('resolves colours: BYLAYER, BYBLOCK in a block, layer 0 in a block, ACI 7 as the foreground, true colour', () => {
    const block: DxfGroup[] = [
      ...line('0', 0, 0, 1, 0, [[62, 0]]), // BYBLOCK: the insert's colour
      ...line('0', 0, 1, 1, 1), // BYLAYER on layer 0: the insert's layer's colour
      ...line('FIXED', 0, 2, 1, 2), // its own layer
    ];
    const g = build({
      layers: [
        { name: '0', color: 7 },
        { name: 'RED', color: 1 },
        { name: 'FIXED', color: 5 },
        { name: 'OFF', color: -3 },
      ],
      blocks: [{ name: 'B', entities: block }],
      entities: [
        ...insert('RED', 'B', 0, 0, [[62, 3]]),
        ...line('RED', 0, 10, 1, 10),
        ...line('0', 0, 11, 1, 11),
        ...line('RED', 0, 12, 1, 12, [[62, 7]]),
        ...line('RED', 0, 13, 1, 13, [[420, 0x123456]]),
        ...line('OFF', 0, 14, 1, 14),
      ],
    });
    const colourAt = (y: number): [string, number] => {
      const b = g.batches.find((x) => worldSegments(g, (k) => k === x).some((s) => Math.abs(s[1]! - y) < 1e-9))!;
      return [g.layers[b.layer]!.name, b.color];
    };
    expect(colourAt(0)).toEqual(['RED', 0x00ff00]);
    expect(colourAt(1)).toEqual(['RED', 0xff0000]);
    expect(colourAt(2)).toEqual(['FIXED', 0x0000ff]);
    expect(colourAt(10)).toEqual(['RED', 0xff0000]);
    expect(colourAt(11)).toEqual(['0', FOREGROUND]);
    expect(colourAt(12)).toEqual(['RED', FOREGROUND]);
    expect(colourAt(13)).toEqual(['RED', 0x123456]);
    expect(g.layers.map((l) => [l.name, l.color, l.visible])).toEqual([
      ['0', FOREGROUND, true],
      ['RED', 0xff0000, true],
      ['FIXED', 0x0000ff, true],
      ['OFF', 0x00ff00, false],
    ]);
  });

  it('tessellates curves within the chord tolerance: circles, arcs, bulges, ellipses, splines, hatch boundaries', () => {
    const g = build(
      {
        entities: [
          ...circle('C', 0, 0, 50),
          [0, 'ARC'], [8, 'A'], [10, 0], [20, 0], [30, 0], [40, 20], [50, 0], [51, 90],
          [0, 'LWPOLYLINE'], [8, 'P'], [90, 2], [70, 0], [10, 100], [20, 0], [42, 1], [10, 120], [20, 0],
          [0, 'ELLIPSE'], [8, 'E'], [10, 0], [20, -100], [30, 0], [11, 40], [21, 0], [31, 0], [40, 0.5], [41, 0], [42, 2 * Math.PI],
          [0, 'SPLINE'], [8, 'S'], [70, 8], [71, 3], [72, 8], [73, 4], [40, 0], [40, 0], [40, 0], [40, 0], [40, 1], [40, 1], [40, 1], [40, 1],
          [10, -100], [20, 0], [30, 0], [10, -90], [20, 30], [30, 0], [10, -70], [20, 30], [30, 0], [10, -60], [20, 0], [30, 0],
        ],
      },
      { chordTolerance: 1e-3 },
    );
    const tol = 1e-3 * Math.hypot(g.extents!.max.x - g.extents!.min.x, g.extents!.max.y - g.extents!.min.y);
    const segs = (name: string): number[][] => worldSegments(g, (b) => b.layer === layerNamed(g, name));
    const radialCheck = (name: string, cx: number, cy: number, r: number): void => {
      const s = segs(name);
      expect(s.length).toBeGreaterThan(4);
      for (const [x1, y1, x2, y2] of s) {
        expect(Math.hypot(x1! - cx, y1! - cy)).toBeCloseTo(r, 3);
        // The chord's midpoint is within the tolerance of the circle.
        expect(r - Math.hypot((x1! + x2!) / 2 - cx, (y1! + y2!) / 2 - cy)).toBeLessThanOrEqual(tol * 1.001);
      }
    };
    radialCheck('C', 0, 0, 50);
    radialCheck('A', 0, 0, 20);
    // The arc from 0° to 90°, both ends exact.
    const arc = segs('A');
    expect(arc[0]!.slice(0, 2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([20, 0]);
    expect(arc.at(-1)!.slice(2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([0, 20]);
    // Bulge 1 from (100, 0) to (120, 0): a half circle about (110, 0), below the chord (counter-clockwise from the left end).
    radialCheck('P', 110, 0, 10);
    const lowest = Math.min(...segs('P').map((s) => s[1]!));
    expect(lowest).toBeLessThan(-10 + tol);
    expect(lowest).toBeGreaterThanOrEqual(-10 - 1e-9);
    // The ellipse: semi-axes 40 and 20 about (0, -100).
    for (const [x, y] of segs('E')) expect(((x! - 0) / 40) ** 2 + ((y! + 100) / 20) ** 2).toBeCloseTo(1, 3);
    // The clamped spline starts and ends on its end control points.
    const spline = segs('S');
    expect(spline[0]!.slice(0, 2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-100, 0]);
    expect(spline.at(-1)!.slice(2).map((v) => Math.round(v * 1e4) / 1e4)).toEqual([-60, 0]);
    expect(Math.max(...spline.map((s) => s[1]!))).toBeCloseTo(22.5, 1);
  });

  it('fills solid hatches and SOLIDs, and outlines hatch boundaries of every kind', () => {
    const g = build({
      entities: [
        [0, 'HATCH'], [100, 'AcDbEntity'], [8, 'H'], [100, 'AcDbHatch'], [10, 0], [20, 0], [30, 0], [210, 0], [220, 0], [230, 1], [2, 'SOLID'], [70, 1], [71, 0], [91, 1],
        [92, 1], [93, 4],
        [72, 1], [10, 0], [20, 0], [11, 10], [21, 0],
        [72, 1], [10, 10], [20, 0], [11, 10], [21, 10],
        [72, 2], [10, 5], [20, 10], [40, 5], [50, 0], [51, 180], [73, 1],
        [72, 1], [10, 0], [20, 10], [11, 0], [21, 0],
        [97, 0], [75, 0], [76, 1], [98, 0],
        [0, 'SOLID'], [8, 'S'], [10, 20], [20, 0], [30, 0], [11, 30], [21, 0], [31, 0], [12, 20], [22, 10], [32, 0], [13, 30], [23, 10], [33, 0],
      ],
    });
    const area = (name: string): number => {
      let a = 0;
      for (const b of g.batches.filter((x) => x.layer === layerNamed(g, name))) {
        const t = b.triangles;
        for (let i = 0; i < t.length; i += 6) a += Math.abs((t[i + 2]! - t[i]!) * (t[i + 5]! - t[i + 1]!) - (t[i + 4]! - t[i]!) * (t[i + 3]! - t[i + 1]!)) / 2;
      }
      return a;
    };
    // A 10 × 10 square with a half disc of radius 5 on top.
    expect(area('H')).toBeCloseTo(100 + (Math.PI * 25) / 2, 0);
    expect(area('S')).toBeCloseTo(100, 6);
    expect(worldSegments(g, (b) => b.layer === layerNamed(g, 'H')).length).toBeGreaterThan(10);
    expect(g.extents!.max.y).toBeCloseTo(15, 3);
  });

  it('places texts: TEXT and MTEXT, attributes, dimension text, multileader text and texts inside instanced blocks', () => {
    const tag: DxfGroup[] = [...line('0', 0, 0, 5, 0), ...text('0', 0, 1, 1, 'TAG')];
    const entities: DxfGroup[] = [
      ...text('NOTES', 10, 50, 2.5, 'TITLE %%c8', [[50, 30]]),
      ...text('NOTES', 10, 40, 2, 'RIGHT', [[72, 2], [11, 30], [21, 40], [31, 0]]),
      [0, 'MTEXT'], [8, 'NOTES'], [10, 0], [20, 30], [30, 0], [40, 3], [71, 5], [1, '{\\fArial;Two}\\Plines'],
      [0, 'INSERT'], [8, 'TB'], [66, 1], [2, 'TB'], [10, 100], [20, 0], [30, 0],
      [0, 'ATTRIB'], [8, 'TB'], [10, 110], [20, 5], [30, 0], [40, 3.5], [1, 'BR-2041'], [2, 'DWG_NO'], [70, 0],
      [0, 'ATTRIB'], [8, 'TB'], [10, 110], [20, 0], [30, 0], [40, 3.5], [1, 'hidden'], [2, 'SECRET'], [70, 1],
      [0, 'SEQEND'], [8, 'TB'],
      [0, 'DIMENSION'], [8, 'DIMS'], [2, '*D1'], [10, 0], [20, 0], [30, 0], [11, 5], [21, -10], [31, 0], [70, 0], [42, 25], [1, '<>'],
      ...[0, 1, 2, 3, 4].flatMap((i) => insert('TAGS', 'TAG', 200 + i * 10, 0)),
    ];
    const g = build({
      blocks: [
        { name: 'TB', entities: line('0', 0, 0, 50, 0) },
        { name: '*D1', entities: [...line('0', 0, -10, 25, -10), [0, 'MTEXT'], [8, '0'], [10, 12.5], [20, -9], [30, 0], [40, 2.5], [71, 8], [1, '25.00']] },
        { name: 'TAG', entities: tag },
      ],
      entities,
    });
    const all = Array.from({ length: g.texts.strings.length }, (_, i) => textAt(g.texts, i));
    const find = (s: string): (typeof all)[number] | undefined => all.find((t) => t.text === s);
    const round = (v: number): number => Math.round(v * 1e4) / 1e4;
    const title = find('TITLE ⌀8')!;
    expect([round(title.x + g.origin.x), round(title.y + g.origin.y), round(title.height), round(title.rotation), title.attachment]).toEqual([10, 50, 2.5, round(Math.PI / 6), 7]);
    expect(g.layers[title.layer]!.name).toBe('NOTES');
    // Right-aligned TEXT anchors at its alignment point, on its right end.
    expect([round(find('RIGHT')!.x + g.origin.x), find('RIGHT')!.attachment]).toEqual([30, 9]);
    expect(find('Two\nlines')).toMatchObject({ attachment: 5, height: 3 });
    expect(find('BR-2041')).toMatchObject({ height: 3.5 });
    expect(find('hidden')).toBeUndefined();
    expect([round(find('25.00')!.x + g.origin.x), g.layers[find('25.00')!.layer]!.name]).toEqual([12.5, 'DIMS']);
    // A text of an instanced block, once per instance, where each insert puts it.
    expect(g.blocks.map((b) => b.name)).toEqual(['TAG']);
    expect(all.filter((t) => t.text === 'TAG').map((t) => round(t.x + g.origin.x))).toEqual([200, 210, 220, 230, 240]);
    // Reading order: top to bottom.
    expect(g.texts.strings.slice(0, 3)).toEqual(['TITLE ⌀8', 'RIGHT', 'Two\nlines']);
  });

  it('leaves out what it cannot draw, says so, and survives a block that inserts itself', () => {
    const g = build({
      blocks: [{ name: 'LOOP', entities: [...line('0', 0, 0, 1, 1), ...insert('0', 'LOOP', 2, 2)] }],
      entities: [
        ...insert('0', 'LOOP', 0, 0),
        [0, 'XLINE'], [100, 'AcDbEntity'], [8, '0'], [100, 'AcDbXline'], [10, 0], [20, 0], [30, 0], [11, 1], [21, 0], [31, 0],
        [0, 'RAY'], [100, 'AcDbEntity'], [8, '0'], [100, 'AcDbRay'], [10, 0], [20, 0], [30, 0], [11, 1], [21, 0], [31, 0],
      ],
    });
    expect(g.stats.skipped).toEqual({ XLINE: 1, RAY: 1 });
    expect(g.stats.segments).toBeGreaterThan(0);
  });

  it('builds hundreds of thousands of segments in seconds', () => {
    const entities: DxfGroup[] = [];
    for (let i = 0; i < 150_000; i++) entities.push(...line(`L${i % 20}`, i % 500, Math.floor(i / 500), (i % 500) + 0.8, Math.floor(i / 500) + 0.6));
    for (let i = 0; i < 3000; i++) entities.push(...circle(`L${i % 20}`, (i % 60) * 8, Math.floor(i / 60) * 6, 2));
    const source = dxfText({ entities });
    const dxf = readDxf(source);
    const t0 = performance.now();
    const g = buildGeometry(dxf);
    const ms = performance.now() - t0;
    expect(g.stats.segments).toBeGreaterThan(150_000 + 3000 * 8);
    expect(g.batches).toHaveLength(20);
    expect(ms).toBeLessThan(10_000);
  });
});
