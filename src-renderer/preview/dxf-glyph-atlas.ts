/**
 * The glyph atlas in the browser: every character the drawing's texts use, drawn white on
 * transparent into one canvas (the plan and metrics are dxf-glyphs.ts). No fonts are fetched:
 * the page's own sans-serif is used.
 */
import { ATLAS_FONT_PX, ATLAS_PAD_PX, ASCENT_EM, charactersOf, glyphMetrics, planAtlas, type GlyphMetrics } from './dxf-glyphs';
import { CAP_HEIGHT_EM } from '../../src-shared/drawing/text-layout';

export const ATLAS_FONT = `${ATLAS_FONT_PX}px "Segoe UI", "Liberation Sans", Arial, Helvetica, sans-serif`;

export interface GlyphAtlas {
  canvas: HTMLCanvasElement;
  metrics: Map<string, GlyphMetrics>;
  /** A space's advance, in text heights. */
  spaceAdvance: number;
}

export function createGlyphAtlas(strings: readonly string[]): GlyphAtlas | null {
  const chars = charactersOf(strings);
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) return null;
  ctx.font = ATLAS_FONT;
  const widths = new Map<string, number>();
  const advance = (ch: string): number => {
    let w = widths.get(ch);
    if (w === undefined) widths.set(ch, (w = ctx.measureText(ch).width));
    return w;
  };
  const plan = planAtlas(chars, advance);
  canvas.width = plan.width;
  canvas.height = plan.height;
  // Resizing resets the context's state.
  ctx.font = ATLAS_FONT;
  ctx.fillStyle = '#ffffff';
  ctx.textBaseline = 'alphabetic';
  const ascent = Math.ceil(ATLAS_FONT_PX * ASCENT_EM);
  for (const [ch, c] of plan.cells) ctx.fillText(ch, c.x + ATLAS_PAD_PX, c.y + ATLAS_PAD_PX + ascent);
  return { canvas, metrics: glyphMetrics(plan, advance), spaceAdvance: ctx.measureText(' ').width / (ATLAS_FONT_PX * CAP_HEIGHT_EM) };
}
