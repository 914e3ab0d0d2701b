/**
 * Drawing colours on a screen or a thumbnail: the foreground (ACI 7) becomes the theme's text
 * colour, and colours that would vanish into the background (yellow or light grey on white,
 * dark blue on black) are moved towards the foreground until they can be told apart from it.
 */
import { FOREGROUND } from './geometry-codec';

export interface DrawingTheme {
  /** 0xRRGGBB: ACI 7 and the colours mixed towards it. */
  foreground: number;
  /** 0xRRGGBB. */
  background: number;
}

export const LIGHT_THEME: DrawingTheme = { foreground: 0x000000, background: 0xffffff };

/** Contrast ratio below which a colour is mixed towards the foreground (WCAG ratio, 1–21). */
const MIN_CONTRAST = 1.8;

const channel = (c: number): number => {
  const s = c / 255;
  return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
};

/** WCAG relative luminance of 0xRRGGBB. */
export function luminance(rgb: number): number {
  return 0.2126 * channel((rgb >> 16) & 0xff) + 0.7152 * channel((rgb >> 8) & 0xff) + 0.0722 * channel(rgb & 0xff);
}

export function contrast(a: number, b: number): number {
  const la = luminance(a);
  const lb = luminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

export function mix(a: number, b: number, t: number): number {
  const m = (shift: number): number => Math.round(((a >> shift) & 0xff) * (1 - t) + ((b >> shift) & 0xff) * t);
  return (m(16) << 16) | (m(8) << 8) | m(0);
}

/** The colour to draw a geometry colour (0xRRGGBB or FOREGROUND) in, on this theme. */
export function displayColour(color: number, theme: DrawingTheme): number {
  if (color === FOREGROUND || color < 0) return theme.foreground;
  let c = color & 0xffffff;
  for (let t = 0.35; contrast(c, theme.background) < MIN_CONTRAST && t <= 1; t += 0.2) c = mix(color & 0xffffff, theme.foreground, t);
  return c;
}

/** 0xRRGGBB as `#rrggbb`. */
export const cssHex = (rgb: number): string => `#${(rgb & 0xffffff).toString(16).padStart(6, '0')}`;
