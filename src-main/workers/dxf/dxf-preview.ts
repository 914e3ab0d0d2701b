/**
 * The preview files of a DXF drawing, written by the extraction worker into the job's folder:
 * `geometry.bin` (the viewer's geometry, src-shared/drawing/geometry-codec) and `thumb.png` (its
 * longest side THUMBNAIL_SIZE pixels, drawn dark on white with @napi-rs/canvas).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { IDxf } from 'dxf-parser';
import { createCanvas, type SKRSContext2D } from '@napi-rs/canvas';
import { INSTANCE_STRIDE, TEXT_STRIDE, encodeGeometry, type DrawingGeometry, type LineBatch } from '../../../src-shared/drawing/geometry-codec';
import { LIGHT_THEME, cssHex, displayColour } from '../../../src-shared/drawing/drawing-colours';
import { CAP_HEIGHT_EM, layoutText } from '../../../src-shared/drawing/text-layout';
import { buildGeometry } from './dxf-geometry';
import { compose, type Affine } from './dxf-batches';

export const THUMBNAIL_SIZE = 512;
export const GEOMETRY_FILE = 'geometry.bin';
export const THUMBNAIL_FILE = 'thumb.png';

/** Segments drawn into a thumbnail at most (instances included); past it the rest is left out. */
const MAX_THUMBNAIL_SEGMENTS = 4_000_000;
/** Texts smaller than this many pixels are not drawn into a thumbnail. */
const MIN_TEXT_PX = 4;

export interface DxfPreviews {
  thumbnails: string[];
  geometry?: string;
}

/** Builds the drawing's geometry and writes both preview files into `outDir` (which exists); their names. */
export async function writeDxfPreviews(dxf: IDxf, outDir: string): Promise<DxfPreviews> {
  const geometry = buildGeometry(dxf);
  fs.writeFileSync(path.join(outDir, GEOMETRY_FILE), encodeGeometry(geometry));
  fs.writeFileSync(path.join(outDir, THUMBNAIL_FILE), await renderThumbnail(geometry));
  return { thumbnails: [THUMBNAIL_FILE], geometry: GEOMETRY_FILE };
}

/**
 * The part of a DXF's extraction result the preview adds: `previews` naming the files, or, when
 * they could not be made, no files and a warning saying why (the drawing's data is read all the
 * same).
 */
export async function dxfPreviews(dxf: IDxf, outDir: string): Promise<{ previews: DxfPreviews; warnings?: string[] }> {
  try {
    return { previews: await writeDxfPreviews(dxf, outDir) };
  } catch (e) {
    return { previews: { thumbnails: [] }, warnings: [`The preview could not be made (${(e as Error).message}).`] };
  }
}

/** Pixel size of a thumbnail of these extents: the longest side `size`, the other in proportion (at least 16). */
export function thumbnailSize(extents: DrawingGeometry['extents'], size = THUMBNAIL_SIZE): { width: number; height: number } {
  if (!extents) return { width: size, height: size };
  const w = extents.max.x - extents.min.x;
  const h = extents.max.y - extents.min.y;
  if (!(w > 0) && !(h > 0)) return { width: size, height: size };
  if (w >= h) return { width: size, height: Math.max(16, Math.round((size * h) / w)) };
  return { width: Math.max(16, Math.round((size * w) / h)), height: size };
}

/** The drawing as a PNG: white background, ACI 7 black, light colours darkened to show on white. */
export async function renderThumbnail(g: DrawingGeometry, size = THUMBNAIL_SIZE): Promise<Buffer> {
  const { width, height } = thumbnailSize(g.extents, size);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  if (g.extents) {
    const pad = Math.max(4, Math.round(size * 0.02));
    const ex = g.extents.max.x - g.extents.min.x;
    const ey = g.extents.max.y - g.extents.min.y;
    const scale = Math.min((width - 2 * pad) / (ex || ey || 1), (height - 2 * pad) / (ey || ex || 1));
    // Payload coordinates are relative to the origin; the drawing's centre goes to the canvas's centre, y up.
    const cx = (g.extents.min.x + g.extents.max.x) / 2 - g.origin.x;
    const cy = (g.extents.min.y + g.extents.max.y) / 2 - g.origin.y;
    const toPx: Affine = { a: scale, b: 0, c: 0, d: -scale, e: width / 2 - cx * scale, f: height / 2 + cy * scale };
    const hidden = new Set(g.layers.flatMap((l, i) => (l.visible ? [] : [i])));
    let budget = MAX_THUMBNAIL_SEGMENTS;
    ctx.lineWidth = 1;
    ctx.lineCap = 'round';
    for (const b of g.batches) if (!hidden.has(b.layer)) budget = drawBatch(ctx, b, [toPx], budget);
    for (const block of g.blocks) {
      if (hidden.has(block.layer)) continue;
      const maps: Affine[] = [];
      const t = block.instances;
      for (let i = 0; i + INSTANCE_STRIDE <= t.length; i += INSTANCE_STRIDE) {
        maps.push(compose(toPx, { a: t[i]!, b: t[i + 1]!, c: t[i + 2]!, d: t[i + 3]!, e: t[i + 4]!, f: t[i + 5]! }));
      }
      for (const b of block.batches) if (!hidden.has(b.layer)) budget = drawBatch(ctx, b, maps, budget);
    }
    drawTexts(ctx, g, toPx, hidden);
  }
  return canvas.encode('png');
}

/** One batch, once per map, as one path each for fills and lines; the segment budget left. */
function drawBatch(ctx: SKRSContext2D, b: LineBatch, maps: Affine[], budget: number): number {
  const colour = cssHex(displayColour(b.color, LIGHT_THEME));
  const segs = b.segments;
  const tris = b.triangles;
  if (tris.length >= 6) {
    ctx.fillStyle = colour;
    ctx.beginPath();
    for (const m of maps) {
      for (let i = 0; i + 5 < tris.length; i += 6) {
        ctx.moveTo(m.a * tris[i]! + m.c * tris[i + 1]! + m.e, m.b * tris[i]! + m.d * tris[i + 1]! + m.f);
        ctx.lineTo(m.a * tris[i + 2]! + m.c * tris[i + 3]! + m.e, m.b * tris[i + 2]! + m.d * tris[i + 3]! + m.f);
        ctx.lineTo(m.a * tris[i + 4]! + m.c * tris[i + 5]! + m.e, m.b * tris[i + 4]! + m.d * tris[i + 5]! + m.f);
        ctx.closePath();
      }
    }
    ctx.fill();
  }
  if (segs.length >= 4) {
    ctx.strokeStyle = colour;
    ctx.beginPath();
    for (const m of maps) {
      if (budget <= 0) break;
      budget -= segs.length / 4;
      for (let i = 0; i + 3 < segs.length; i += 4) {
        ctx.moveTo(m.a * segs[i]! + m.c * segs[i + 1]! + m.e, m.b * segs[i]! + m.d * segs[i + 1]! + m.f);
        ctx.lineTo(m.a * segs[i + 2]! + m.c * segs[i + 3]! + m.e, m.b * segs[i + 2]! + m.d * segs[i + 3]! + m.f);
      }
    }
    ctx.stroke();
  }
  return budget;
}

function drawTexts(ctx: SKRSContext2D, g: DrawingGeometry, toPx: Affine, hidden: Set<number>): void {
  const d = g.texts.data;
  const scale = Math.abs(toPx.a);
  for (let i = 0; i < g.texts.strings.length; i++) {
    const o = i * TEXT_STRIDE;
    const px = d[o + 2]! * scale;
    if (px < MIN_TEXT_PX || hidden.has(d[o + 4]!)) continue;
    const fontPx = px / CAP_HEIGHT_EM;
    ctx.font = `${fontPx.toFixed(1)}px sans-serif`;
    ctx.fillStyle = cssHex(displayColour(d[o + 5]!, LIGHT_THEME));
    const lines = layoutText(g.texts.strings[i]!, d[o + 6]!, (line) => ctx.measureText(line).width / px);
    ctx.save();
    ctx.translate(toPx.a * d[o]! + toPx.e, toPx.d * d[o + 1]! + toPx.f);
    ctx.rotate(-d[o + 3]!);
    for (const line of lines) ctx.fillText(line.text, line.x * px, -line.y * px);
    ctx.restore();
  }
}
