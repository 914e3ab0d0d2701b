/**
 * DXF colours: the AutoCAD Colour Index (ACI) palette and how an entity's colour resolves.
 *
 * The palette is generated, not tabled: 1–9 are named colours; 10–249 are 24 hues (15° apart) in
 * five values (255, 204, 153, 127, 76), each once fully saturated and once at half saturation;
 * 250–255 are greys. ACI 7 is "white or black": it resolves to FOREGROUND, drawn in the viewer's
 * text colour (black on a light background); so does pure white (ACI 255, true colour FFFFFF),
 * which would vanish on a light background otherwise.
 */
import { FOREGROUND } from '../../../src-shared/drawing/geometry-codec';

const NAMED = [0x000000, 0xff0000, 0xffff00, 0x00ff00, 0x00ffff, 0x0000ff, 0xff00ff, 0xffffff, 0x808080, 0xc0c0c0];
const VALUES = [255, 204, 153, 127, 76];
const GREYS = [0x333333, 0x5b5b5b, 0x848484, 0xadadad, 0xd6d6d6, 0xffffff];

function hsv(hueDeg: number, saturation: number, value: number): number {
  const h = hueDeg / 60;
  const sector = Math.floor(h);
  const f = h - sector;
  const min = value * (1 - saturation);
  const rising = min + (value - min) * f;
  const falling = value - (value - min) * f;
  const [r, g, b] = [
    [value, rising, min],
    [falling, value, min],
    [min, value, rising],
    [min, falling, value],
    [rising, min, value],
    [value, min, falling],
  ][sector % 6]!;
  return (Math.floor(r!) << 16) | (Math.floor(g!) << 8) | Math.floor(b!);
}

/** The ACI palette, 0–255, as 0xRRGGBB (0 and 256 are BYBLOCK and BYLAYER, not colours). */
export const ACI_PALETTE: readonly number[] = Array.from({ length: 256 }, (_, i) => {
  if (i < 10) return NAMED[i]!;
  if (i >= 250) return GREYS[i - 250]!;
  const hue = Math.floor((i - 10) / 10) * 15;
  const step = (i - 10) % 10;
  return hsv(hue, step % 2 ? 0.5 : 1, VALUES[step >> 1]!);
});

/** An ACI number as a colour of the geometry: ACI 7 (and 255, white) is the foreground. */
export function aciColour(index: number): number {
  const i = Math.abs(Math.trunc(index));
  if (i === 7 || i === 255 || i < 1 || i > 255) return FOREGROUND;
  return ACI_PALETTE[i]!;
}

export const BYBLOCK = 0;
export const BYLAYER = 256;

/** What an entity says about its colour, before resolution. */
export type ColourSpec = { kind: 'bylayer' } | { kind: 'byblock' } | { kind: 'rgb'; value: number };

/**
 * An entity's own colour: a true colour (420) where it has one, else its ACI (62). dxf-parser keeps
 * the true colour in `color` and the ACI in `colorIndex`; a `color` that is not the ACI's palette
 * entry is a true colour. (Palettes differ by one step in a few greens, hence "near".)
 */
export function colourSpecOf(entity: object): ColourSpec {
  const e = entity as { colorIndex?: unknown; color?: unknown; trueColor?: unknown };
  if (typeof e.trueColor === 'number') return rgbSpec(e.trueColor);
  const index = typeof e.colorIndex === 'number' ? e.colorIndex : BYLAYER;
  const palette = ACI_PALETTE[Math.abs(index)];
  if (typeof e.color === 'number' && (palette === undefined || !nearColour(e.color, palette))) return rgbSpec(e.color);
  if (index === BYLAYER) return { kind: 'bylayer' };
  if (index === BYBLOCK) return { kind: 'byblock' };
  return { kind: 'rgb', value: aciColour(index) };
}

function nearColour(a: number, b: number): boolean {
  return [16, 8, 0].every((shift) => Math.abs(((a >> shift) & 0xff) - ((b >> shift) & 0xff)) <= 1);
}

/** A true colour as the geometry keeps it; pure white is the foreground, as ACI 7 is. */
function rgbSpec(value: number): ColourSpec {
  const v = value & 0xffffff;
  return { kind: 'rgb', value: v === 0xffffff ? FOREGROUND : v };
}

export function resolveColour(spec: ColourSpec, layerColour: number, blockColour: number): number {
  switch (spec.kind) {
    case 'bylayer':
      return layerColour;
    case 'byblock':
      return blockColour;
    case 'rgb':
      return spec.value;
    default: {
      const never: never = spec;
      return never;
    }
  }
}
