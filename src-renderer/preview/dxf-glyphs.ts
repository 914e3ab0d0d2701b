/**
 * Drawing texts as glyphs: an atlas of every character the drawing's texts use (drawn once into a
 * canvas, dxf-glyph-atlas.ts), and one instanced quad per glyph placed from the text's anchor,
 * height, rotation and attachment (src-shared/drawing/text-layout). Thousands of texts are then a
 * few draw calls (one per layer), and stay attached to the drawing at every zoom.
 *
 * Units: glyph boxes and advances are in text heights (capital heights), so a glyph's place in
 * the drawing is anchor + height × rotate(offset).
 */
import { TEXT_STRIDE, type TextItems } from '../../src-shared/drawing/geometry-codec';
import { CAP_HEIGHT_EM, layoutText } from '../../src-shared/drawing/text-layout';

/** Font size the atlas is drawn at, and the room its glyph cells leave around each glyph. */
export const ATLAS_FONT_PX = 48;
export const ATLAS_PAD_PX = 4;
/** The part of a cell above and below the baseline, in ems. */
export const ASCENT_EM = 1.0;
export const DESCENT_EM = 0.3;
export const MAX_ATLAS_SIDE = 4096;
/** Glyph quads drawn at most; texts past it are left out. */
export const MAX_GLYPHS = 1_500_000;

export interface AtlasCell {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface AtlasPlan {
  width: number;
  height: number;
  cells: Map<string, AtlasCell>;
}

/** The characters to draw, each once (code points; whitespace left out, it is only advance). */
export function charactersOf(strings: readonly string[]): string[] {
  const set = new Set<string>();
  for (const s of strings) for (const ch of s) if (!/\s/.test(ch)) set.add(ch);
  return [...set].sort();
}

/** Cells for the characters in rows of at most MAX_ATLAS_SIDE px; characters that do not fit are left out (drawn as '?'). */
export function planAtlas(chars: readonly string[], advancePx: (ch: string) => number, fontPx = ATLAS_FONT_PX, pad = ATLAS_PAD_PX): AtlasPlan {
  const cellH = Math.ceil(fontPx * (ASCENT_EM + DESCENT_EM)) + 2 * pad;
  const cells = new Map<string, AtlasCell>();
  let x = 0;
  let y = 0;
  let width = 1;
  const ordered = chars.includes('?') ? [...chars] : ['?', ...chars];
  for (const ch of ordered) {
    const w = Math.min(MAX_ATLAS_SIDE, Math.ceil(Math.max(1, advancePx(ch))) + 2 * pad);
    if (x + w > MAX_ATLAS_SIDE) {
      x = 0;
      y += cellH;
    }
    if (y + cellH > MAX_ATLAS_SIDE) break;
    cells.set(ch, { x, y, w, h: cellH });
    x += w;
    width = Math.max(width, x);
  }
  return { width, height: y + cellH, cells };
}

export interface GlyphMetrics {
  /** Pen advance, in text heights. */
  advance: number;
  /** The quad around the glyph, from the pen on the baseline, in text heights. */
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  /** Its texture coordinates (v up, as a flipped canvas texture has them). */
  u0: number;
  v0: number;
  u1: number;
  v1: number;
}

/** Metrics of each planned glyph from its cell and advance. */
export function glyphMetrics(plan: AtlasPlan, advancePx: (ch: string) => number, fontPx = ATLAS_FONT_PX, pad = ATLAS_PAD_PX): Map<string, GlyphMetrics> {
  const perHeight = fontPx * CAP_HEIGHT_EM;
  const ascent = Math.ceil(fontPx * ASCENT_EM);
  const out = new Map<string, GlyphMetrics>();
  for (const [ch, c] of plan.cells) {
    out.set(ch, {
      advance: advancePx(ch) / perHeight,
      x0: -pad / perHeight,
      x1: (c.w - pad) / perHeight,
      y1: (ascent + pad) / perHeight,
      y0: -(c.h - ascent - pad) / perHeight,
      u0: c.x / plan.width,
      u1: (c.x + c.w) / plan.width,
      v1: 1 - c.y / plan.height,
      v0: 1 - (c.y + c.h) / plan.height,
    });
  }
  return out;
}

/** The glyph quads of one layer's texts, as instance attributes. */
export interface GlyphRun {
  layer: number;
  count: number;
  /** Per glyph: the text's anchor x, y, height, rotation. */
  anchors: Float32Array;
  /** Per glyph: its quad's x, y, width, height in text heights from the anchor. */
  boxes: Float32Array;
  /** Per glyph: u0, v0, u1, v1. */
  uvs: Float32Array;
  /** Per glyph: the index of its text (for its colour). */
  texts: Uint32Array;
}

/** The width of a line in text heights (whitespace by its advance; unknown characters as '?'). */
export function measureLine(metrics: Map<string, GlyphMetrics>, line: string, spaceAdvance: number): number {
  let w = 0;
  const fallback = metrics.get('?');
  for (const ch of line) w += /\s/.test(ch) ? spaceAdvance : (metrics.get(ch) ?? fallback)?.advance ?? spaceAdvance;
  return w;
}

/** Lays out every text's glyphs, grouped by layer, up to MAX_GLYPHS. */
export function layoutGlyphs(texts: TextItems, metrics: Map<string, GlyphMetrics>, spaceAdvance: number, maxGlyphs = MAX_GLYPHS): GlyphRun[] {
  type Growing = { anchors: number[]; boxes: number[]; uvs: number[]; texts: number[] };
  const byLayer = new Map<number, Growing>();
  const fallback = metrics.get('?');
  const d = texts.data;
  let total = 0;
  for (let i = 0; i < texts.strings.length && total < maxGlyphs; i++) {
    const o = i * TEXT_STRIDE;
    const [x, y, height, rotation, layer, , attachment] = [d[o]!, d[o + 1]!, d[o + 2]!, d[o + 3]!, d[o + 4]!, d[o + 5]!, d[o + 6]!];
    let run = byLayer.get(layer);
    if (!run) byLayer.set(layer, (run = { anchors: [], boxes: [], uvs: [], texts: [] }));
    for (const line of layoutText(texts.strings[i]!, attachment, (l) => measureLine(metrics, l, spaceAdvance))) {
      let pen = line.x;
      for (const ch of line.text) {
        if (/\s/.test(ch)) {
          pen += spaceAdvance;
          continue;
        }
        const m = metrics.get(ch) ?? fallback;
        if (!m) continue;
        run.anchors.push(x, y, height, rotation);
        run.boxes.push(pen + m.x0, line.y + m.y0, m.x1 - m.x0, m.y1 - m.y0);
        run.uvs.push(m.u0, m.v0, m.u1, m.v1);
        run.texts.push(i);
        pen += m.advance;
        if (++total >= maxGlyphs) break;
      }
    }
  }
  return [...byLayer].map(([layer, r]) => ({ layer, count: r.texts.length, anchors: new Float32Array(r.anchors), boxes: new Float32Array(r.boxes), uvs: new Float32Array(r.uvs), texts: new Uint32Array(r.texts) })).filter((r) => r.count > 0);
}
