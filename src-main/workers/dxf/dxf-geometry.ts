/**
 * What the DXF viewer draws, built from a parsed drawing (readDxf): model space as line segments
 * and fills in world coordinates, batched by (layer, resolved colour); curves tessellated within a
 * chord tolerance relative to the drawing's size; blocks inserted often kept once, in block space,
 * with an affine map per instance (nested inserts and MINSERT grids expanded into instances);
 * blocks inserted rarely drawn into the world batches; texts as positioned strings; extents;
 * layers with colour and entity counts; units. Encoded with src-shared/drawing/geometry-codec.
 *
 * Inheritance follows AutoCAD: inside a block, entities on layer 0 take the insert's layer and
 * BYBLOCK colours take the insert's colour; a block definition is therefore kept per (block,
 * insert layer, insert colour when the block uses BYBLOCK).
 *
 * Not drawn (counted in stats.skipped): XLINE and RAY (infinite), 3D bodies (3DSOLID, REGION, BODY,
 * MESH, surfaces), images and underlays, hatch patterns (their boundaries are drawn; solid
 * hatches are filled), paper space.
 */
import type { IDxf } from 'dxf-parser';
import { FOREGROUND, TEXT_STRIDE, type BlockGeometry, type DrawingGeometry, type LayerInfo } from '../../../src-shared/drawing/geometry-codec';
import { BatchSet, Floats, IDENTITY, apply, compose, rotation, scaleOf, scaling, translation, type Affine } from './dxf-batches';
import { aciColour, colourSpecOf, resolveColour } from './dxf-colour';
import { drawnExtents, roughExtents } from './dxf-geometry-extents';
import { drawEntity, textAttachment, type DrawContext, type DrawHost, type Entity, type PlacedText } from './dxf-geometry-entities';
import type { AttribEntity, TableEntity } from './dxf-read';
import { decodeControlCodes, plainMText } from './dxf-text';

export interface GeometryOptions {
  /** A block whose inserts (nested ones included) number at least this is instanced; others are drawn into the world. */
  instanceThreshold?: number;
  /** Chord tolerance as a fraction of the drawing's diagonal. */
  chordTolerance?: number;
  /** Limits past which the rest is left out (stats.truncated). */
  maxSegments?: number;
  maxInstances?: number;
  maxTexts?: number;
}

const DEFAULTS = { instanceThreshold: 4, chordTolerance: 2e-5, maxSegments: 6_000_000, maxInstances: 2_000_000, maxTexts: 200_000 };

/** Nested inserts deeper than this are not followed (a block that inserts itself ends here). */
const MAX_DEPTH = 16;

/** $INSUNITS codes. */
const UNITS = [
  'unitless', 'inches', 'feet', 'miles', 'millimeters', 'centimeters', 'meters', 'kilometers', 'microinches', 'mils', 'yards',
  'angstroms', 'nanometers', 'microns', 'decimeters', 'decameters', 'hectometers', 'gigameters', 'astronomical units',
  'light years', 'parsecs', 'US survey feet',
];

interface Block {
  name: string;
  entities?: Entity[];
  position?: { x: number; y: number };
}

interface Definition {
  name: string;
  layer: number;
  sink: BatchSet;
  texts: PlacedText[];
  children: Array<{ key: string; t: Affine }>;
  instances: Floats;
}

interface Usage {
  count: number;
  maxScale: number;
}

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const pointOf = (v: unknown): { x: number; y: number } | null => {
  const p = v as { x?: unknown; y?: unknown } | null | undefined;
  return p && typeof p.x === 'number' && typeof p.y === 'number' && Number.isFinite(p.x) && Number.isFinite(p.y) ? { x: p.x, y: p.y } : null;
};
const firstGroup = (e: Entity, code: number): unknown => (e.groups as Array<{ code: number; value: unknown }> | undefined)?.find((g) => g.code === code)?.value;

export function buildGeometry(dxf: IDxf, options: GeometryOptions = {}): DrawingGeometry {
  return new GeometryBuilder(dxf, { ...DEFAULTS, ...options }).build();
}

class GeometryBuilder implements DrawHost {
  private readonly header: Record<string, unknown>;
  private readonly blocks: Record<string, Block>;
  private readonly modelSpace: Entity[];
  private readonly layers: LayerInfo[] = [];
  private readonly layerIndex = new Map<string, number>();
  private readonly usage = new Map<string, Usage>();
  private readonly byBlockUse = new Map<string, boolean>();
  private readonly defs = new Map<string, Definition>();
  private readonly world = new BatchSet();
  private readonly worldTexts: PlacedText[] = [];
  private readonly skipped: Record<string, number> = {};
  private origin = { x: 0, y: 0 };
  private tolerance = 1;
  /** Size of arrowheads without a size of their own, in world units. */
  arrowSize = 1;
  private instances = 0;
  private flattened = 0;
  private truncated = false;

  constructor(
    dxf: IDxf,
    private readonly opts: typeof DEFAULTS,
  ) {
    this.header = (dxf.header ?? {}) as Record<string, unknown>;
    this.blocks = (dxf.blocks ?? {}) as unknown as Record<string, Block>;
    this.modelSpace = (dxf.entities as unknown as Entity[]).filter((e) => !e.inPaperSpace);
    const table = (dxf.tables as { layer?: { layers?: Record<string, { name?: string; colorIndex?: number; visible?: boolean; frozen?: boolean }> } } | undefined)?.layer?.layers ?? {};
    for (const [name, l] of Object.entries(table)) {
      if (!name || name === 'undefined') continue;
      this.addLayer(name, typeof l.colorIndex === 'number' ? aciColour(l.colorIndex) : FOREGROUND, l.visible !== false && !l.frozen);
    }
  }

  private addLayer(name: string, color: number, visible: boolean): number {
    this.layerIndex.set(name, this.layers.length);
    this.layers.push({ name, color, entityCount: 0, visible });
    return this.layers.length - 1;
  }

  layerOf(name: string): number {
    return this.layerIndex.get(name) ?? this.addLayer(name, FOREGROUND, true);
  }

  build(): DrawingGeometry {
    for (const e of this.modelSpace) {
      if (e.type === 'ATTRIB' || e.type === 'SEQEND') continue;
      this.layers[this.layerOf(e.layer ?? '0')]!.entityCount++;
    }
    const rough = roughExtents(this.modelSpace, this.header, (name) => (this.blocks[name]?.entities?.length ?? 0) > 0);
    this.origin = { x: (rough.min.x + rough.max.x) / 2, y: (rough.min.y + rough.max.y) / 2 };
    const diagonal = Math.hypot(rough.max.x - rough.min.x, rough.max.y - rough.min.y) || 1;
    this.tolerance = diagonal * this.opts.chordTolerance;
    const dimScale = num(this.header.$DIMSCALE, 1) || 1;
    this.arrowSize = num(this.header.$DIMASZ, 0) > 0 ? num(this.header.$DIMASZ, 0) * dimScale : diagonal * 0.005;

    this.countInserts(this.modelSpace, 1, 1, '0', FOREGROUND, 0, new Set());
    const worldContext: DrawContext = {
      m: translation(-this.origin.x, -this.origin.y),
      sink: this.world,
      texts: this.worldTexts,
      layer: '0',
      colour: FOREGROUND,
      depth: 0,
      stack: new Set(),
      tolerance: this.tolerance,
      instance: (key, t, depth) => this.addInstance(key, t, depth),
    };
    this.walk(this.modelSpace, worldContext);

    const blocks: BlockGeometry[] = [];
    for (const def of this.defs.values()) {
      const batches = def.sink.done();
      if (batches.length === 0 || def.instances.length === 0) continue;
      blocks.push({ name: def.name, layer: def.layer, batches, instances: def.instances.done() });
    }
    const batches = this.world.done();
    const texts = readingOrder(this.worldTexts);
    const data = new Float32Array(texts.length * TEXT_STRIDE);
    texts.forEach((t, i) => data.set([t.x, t.y, t.height, t.rotation, t.layer, t.color, t.attachment], i * TEXT_STRIDE));
    let segments = this.world.segmentCount;
    let triangles = this.world.triangleCount;
    for (const def of this.defs.values()) {
      segments += def.sink.segmentCount;
      triangles += def.sink.triangleCount;
    }
    const unitsCode = this.header.$INSUNITS;
    return {
      units: typeof unitsCode === 'number' ? (UNITS[unitsCode] ?? null) : null,
      origin: this.origin,
      extents: drawnExtents(batches, blocks, data, this.origin),
      layers: this.layers,
      batches,
      blocks,
      texts: { strings: texts.map((t) => t.text), data },
      stats: { segments, triangles, instances: this.instances, texts: texts.length, flattenedInserts: this.flattened, skipped: this.skipped, truncated: this.truncated },
    };
  }

  // ── Blocks: which to instance ────────────────────────────────────────────────────────────

  /** Whether a block (or one it inserts) has BYBLOCK colours, so its look depends on the insert's colour. */
  private usesByBlock(name: string, depth = 0): boolean {
    const known = this.byBlockUse.get(name);
    if (known !== undefined) return known;
    this.byBlockUse.set(name, false);
    let uses = false;
    for (const e of this.blocks[name]?.entities ?? []) {
      if (colourSpecOf(e).kind === 'byblock' || (e.type === 'INSERT' && depth < MAX_DEPTH && this.usesByBlock(String(e.name ?? ''), depth + 1))) {
        uses = true;
        break;
      }
    }
    this.byBlockUse.set(name, uses);
    return uses;
  }

  /** A block definition's identity: its name, the layer of its inserts, and their colour if it matters. */
  keyOf(name: string, layer: string, colour: number): string {
    return `${name}\u0000${layer}\u0000${this.usesByBlock(name) ? colour : ''}`;
  }

  /** Counts the inserts of each definition (times the inserts of the blocks they are in), and the largest scale each is drawn at. */
  private countInserts(entities: Entity[], multiplier: number, scale: number, layer: string, colour: number, depth: number, stack: Set<string>): void {
    if (depth > MAX_DEPTH) return;
    for (const e of entities) {
      if (e.type !== 'INSERT' && e.type !== 'ACAD_TABLE') continue;
      const name = e.type === 'ACAD_TABLE' ? String((e as unknown as TableEntity).block ?? '') : String(e.name ?? '');
      const block = this.blocks[name];
      if (!block || stack.has(name)) continue;
      const insertLayer = this.effectiveLayer(e, layer);
      const insertColour = this.colourOf(e, insertLayer, colour);
      const cells = Math.max(1, Math.floor(num(e.columnCount, 1))) * Math.max(1, Math.floor(num(e.rowCount, 1)));
      const s = scale * Math.max(Math.abs(num(e.xScale, 1)), Math.abs(num(e.yScale, 1)));
      const key = this.keyOf(name, insertLayer, insertColour);
      const u = this.usage.get(key) ?? { count: 0, maxScale: 0 };
      u.count += multiplier * cells;
      u.maxScale = Math.max(u.maxScale, s);
      this.usage.set(key, u);
      stack.add(name);
      this.countInserts(block.entities ?? [], multiplier * cells, s, insertLayer, insertColour, depth + 1, stack);
      stack.delete(name);
    }
  }

  private instanced(key: string): boolean {
    return (this.usage.get(key)?.count ?? 0) >= this.opts.instanceThreshold;
  }

  effectiveLayer(e: Entity, inherited: string): string {
    const own = e.layer ?? '0';
    return own === '0' ? inherited : own;
  }

  colourOf(e: Entity, layer: string, inherited: number): number {
    return resolveColour(colourSpecOf(e), this.layers[this.layerOf(layer)]!.color, inherited);
  }

  /** The definition of a block for this key, drawn in block space the first time it is asked for. */
  private definition(key: string, name: string, layer: string, colour: number): Definition {
    let def = this.defs.get(key);
    if (def) return def;
    def = { name, layer: this.layerOf(layer), sink: new BatchSet(), texts: [], children: [], instances: new Floats(64) };
    this.defs.set(key, def);
    const block = this.blocks[name];
    const maxScale = this.usage.get(key)?.maxScale || 1;
    const d = def;
    this.walk(block?.entities ?? [], {
      m: IDENTITY,
      sink: d.sink,
      texts: d.texts,
      layer,
      colour,
      depth: 1,
      stack: new Set([name]),
      tolerance: this.tolerance / maxScale,
      instance: (childKey, t) => d.children.push({ key: childKey, t }),
    });
    return def;
  }

  private addInstance(key: string, t: Affine, depth: number): void {
    const def = this.defs.get(key);
    if (!def || depth > MAX_DEPTH) return;
    if (this.instances >= this.opts.maxInstances) {
      this.truncated = true;
      return;
    }
    const out = def.instances;
    out.reserve(6);
    out.data.set([t.a, t.b, t.c, t.d, t.e, t.f], out.length);
    out.length += 6;
    this.instances++;
    for (const text of def.texts) this.addText(this.worldTexts, transformText(text, t));
    for (const child of def.children) this.addInstance(child.key, compose(t, child.t), depth + 1);
  }

  addText(into: PlacedText[], text: PlacedText): void {
    if (this.worldTexts.length >= this.opts.maxTexts) {
      this.truncated = true;
      return;
    }
    into.push(text);
  }

  // ── Walking entities ─────────────────────────────────────────────────────────────────────

  private walk(entities: Entity[], ctx: DrawContext): void {
    for (let i = 0; i < entities.length; i++) {
      const e = entities[i]!;
      if (e.visible === false) continue;
      if (this.world.segmentCount > this.opts.maxSegments) {
        this.truncated = true;
        return;
      }
      if (e.type === 'INSERT') {
        // Its ATTRIBs follow it, up to a SEQEND.
        const attribs: AttribEntity[] = [];
        let j = i + 1;
        for (; j < entities.length && entities[j]!.type === 'ATTRIB'; j++) attribs.push(entities[j] as unknown as AttribEntity);
        i = j < entities.length && entities[j]!.type === 'SEQEND' ? j : j - 1;
        this.insert(e, attribs, ctx);
        continue;
      }
      if (e.type === 'ATTRIB' || e.type === 'SEQEND' || e.type === 'ATTDEF') continue;
      if (e.type === 'DIMENSION' || e.type === 'ARC_DIMENSION' || e.type === 'LARGE_RADIAL_DIMENSION') {
        this.dimension(e, ctx);
        continue;
      }
      if (e.type === 'ACAD_TABLE') {
        this.table(e as unknown as TableEntity & Entity, ctx);
        continue;
      }
      const layer = this.effectiveLayer(e, ctx.layer);
      const drawn = drawEntity(e, ctx, this.layerOf(layer), this.colourOf(e, layer, ctx.colour), this);
      if (!drawn) this.skipped[e.type] = (this.skipped[e.type] ?? 0) + 1;
    }
  }

  /** An INSERT (a MINSERT grid cell by cell): instanced, or its block drawn here. ATTRIB texts are placed where the file puts them. */
  private insert(e: Entity, attribs: AttribEntity[], ctx: DrawContext): void {
    const name = String(e.name ?? '');
    const layer = this.effectiveLayer(e, ctx.layer);
    const colour = this.colourOf(e, layer, ctx.colour);
    const columns = Math.max(1, Math.floor(num(e.columnCount, 1)));
    const rows = Math.max(1, Math.floor(num(e.rowCount, 1)));
    const dx = num(e.columnSpacing, 0);
    const dy = num(e.rowSpacing, 0);
    const at = pointOf(e.position) ?? { x: 0, y: 0 };
    const angle = (num(e.rotation, 0) * Math.PI) / 180;
    const mirror = num((e.extrusionDirection as { z?: unknown } | undefined)?.z, 1) < 0 ? scaling(-1, 1) : IDENTITY;
    const block = this.blocks[name];
    const base = pointOf(block?.position) ?? { x: 0, y: 0 };
    const place = compose(compose(mirror, translation(at.x, at.y)), rotation(angle));
    const local = compose(scaling(num(e.xScale, 1) || 1, num(e.yScale, 1) || 1), translation(-base.x, -base.y));
    const canDraw = block && ctx.depth < MAX_DEPTH && !ctx.stack.has(name);
    const key = canDraw ? this.keyOf(name, layer, colour) : '';
    const instanced = canDraw && this.instanced(key);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const cell = compose(place, translation(c * dx, r * dy));
        if (canDraw) {
          const t = compose(cell, local);
          if (instanced) {
            this.definition(key, name, layer, colour);
            ctx.instance(key, compose(ctx.m, t), ctx.depth + 1);
          } else {
            this.flattened++;
            const stack = new Set(ctx.stack).add(name);
            this.walk(block.entities ?? [], { ...ctx, m: compose(ctx.m, t), layer, colour, depth: ctx.depth + 1, stack });
          }
        }
        // Attribute texts are written for the first cell; the others show them where they fall in theirs.
        const shift = compose(ctx.m, compose(cell, compose(rotation(-angle), compose(translation(-at.x, -at.y), mirror))));
        for (const a of attribs) this.attribute(a, { ...ctx, m: shift });
      }
    }
  }

  private attribute(a: AttribEntity, ctx: DrawContext): void {
    const e = a as unknown as Entity;
    if ((num(firstGroup(e, 70), 0) & 1) !== 0) return; // invisible
    const text = plainMText(a.text);
    if (!text.trim()) return;
    const h = Math.floor(num(firstGroup(e, 72), 0));
    const v = Math.floor(num(firstGroup(e, 74), 0));
    const x11 = firstGroup(e, 11);
    const y11 = firstGroup(e, 21);
    const aligned = (h !== 0 || v !== 0) && h !== 3 && h !== 5 && typeof x11 === 'number' && typeof y11 === 'number';
    const p = aligned ? { x: x11 as number, y: y11 as number } : (a.position ?? { x: 0, y: 0 });
    const layer = this.effectiveLayer(e, ctx.layer);
    this.placeText(ctx, text, p.x, p.y, num(firstGroup(e, 40), 1), (num(firstGroup(e, 50), 0) * Math.PI) / 180, textAttachment(h, v), this.layerOf(layer), this.colourOf(e, layer, ctx.colour));
  }

  /** A text in the context's space: mapped into the space drawn into. */
  placeText(ctx: DrawContext, text: string, x: number, y: number, height: number, rotationRad: number, attachment: number, layer: number, color: number): void {
    const [px, py] = apply(ctx.m, x, y);
    const s = Math.sqrt(Math.abs(ctx.m.a * ctx.m.d - ctx.m.b * ctx.m.c)) || scaleOf(ctx.m);
    this.addText(ctx.texts, { text, x: px, y: py, height: (height > 0 ? height : 1) * s, rotation: rotationRad + Math.atan2(ctx.m.b, ctx.m.a), layer, color, attachment });
  }

  /** A dimension is drawn by its block (lines, arrowheads, text), placed at its insertion point (mostly 0,0). */
  private dimension(e: Entity, ctx: DrawContext): void {
    const name = String(e.block ?? firstGroup(e, 2) ?? '');
    const block = this.blocks[name];
    const layer = this.effectiveLayer(e, ctx.layer);
    const colour = this.colourOf(e, layer, ctx.colour);
    if (block && !ctx.stack.has(name) && ctx.depth < MAX_DEPTH) {
      const at = pointOf(e.insertionPoint) ?? { x: 0, y: 0 };
      const stack = new Set(ctx.stack).add(name);
      this.walk(block.entities ?? [], { ...ctx, m: compose(ctx.m, translation(at.x, at.y)), layer, colour, depth: ctx.depth + 1, stack });
      return;
    }
    // No block: its text where the file puts it.
    const p = pointOf(e.middleOfText);
    const measured = num(e.actualMeasurement, NaN);
    const override = typeof e.text === 'string' ? e.text : '';
    const shown = Number.isFinite(measured) ? measured.toFixed(2) : '';
    const text = decodeControlCodes(plainMText(override && override !== '<>' ? override.replace('<>', shown) : shown));
    if (p && text.trim()) this.placeText(ctx, text, p.x, p.y, num(this.header.$DIMTXT, 2.5), 0, 5, this.layerOf(layer), colour);
  }

  /** An ACAD_TABLE is drawn by its block, inserted at its position along its direction. */
  private table(e: TableEntity & Entity, ctx: DrawContext): void {
    const name = e.block ?? '';
    const block = this.blocks[name];
    if (!block || ctx.stack.has(name)) return;
    const x = num(firstGroup(e, 10), 0);
    const y = num(firstGroup(e, 20), 0);
    const angle = Math.atan2(num(firstGroup(e, 21), 0), num(firstGroup(e, 11), 1));
    const layer = this.effectiveLayer(e, ctx.layer);
    const colour = this.colourOf(e, layer, ctx.colour);
    const stack = new Set(ctx.stack).add(name);
    this.walk(block.entities ?? [], { ...ctx, m: compose(ctx.m, compose(translation(x, y), rotation(angle))), layer, colour, depth: ctx.depth + 1, stack });
  }
}

function transformText(t: PlacedText, m: Affine): PlacedText {
  const [x, y] = apply(m, t.x, t.y);
  const s = Math.sqrt(Math.abs(m.a * m.d - m.b * m.c)) || 1;
  return { ...t, x, y, height: t.height * s, rotation: t.rotation + Math.atan2(m.b, m.a) };
}

/** Top to bottom, then left to right; texts whose anchors are within half a text height share a line. */
function readingOrder(texts: PlacedText[]): PlacedText[] {
  const sorted = [...texts].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: PlacedText[][] = [];
  for (const t of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line[0]!.y - t.y) <= Math.max(line[0]!.height, t.height) / 2) line.push(t);
    else lines.push([t]);
  }
  return lines.flatMap((line) => line.sort((a, b) => a.x - b.x));
}
