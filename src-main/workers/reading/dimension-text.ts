/**
 * Engineering reading of dimension text, the same for every file format: what a dimension on a
 * drawing says, as data. `⌀21,5±0,1` is a diameter of 21.5 with a symmetric tolerance of 0.1;
 * `4x Ø6.60 +0.40/-0.10` four diameters with deviations; `16.00/15.50` limits; `⌀38H12` a fit;
 * `[7.00]` a basic (theoretically exact) dimension; `(25,5)` a reference; `1x45°` a chamfer.
 * Decimal commas and points are both read.
 */

export type DimensionKind = 'linear' | 'diameter' | 'radius' | 'sphericalRadius' | 'angular' | 'chamfer';

export type Tolerance =
  | { type: 'symmetric'; upper: number; lower: number }
  | { type: 'deviation'; upper: number; lower: number }
  | { type: 'limits'; upper: number; lower: number }
  | { type: 'fit'; fit: string }
  | { type: 'basic' }
  | { type: 'reference' };

export interface ReadDimension {
  text: string;
  kind: DimensionKind;
  /** The nominal value (for limits, their mean; for a chamfer, its length). */
  value: number;
  /** 'deg' for angles, else the drawing's length unit. */
  unit: string;
  tolerance: Tolerance | null;
  /** How many features it applies to (`4x`), 1 when not said. */
  count: number;
  /** For a chamfer: its angle in degrees. */
  angle?: number;
}

const NUM = String.raw`\d+(?:[.,]\d+)?|[.,]\d+`;
const SIGNED = String.raw`[+\-−–]\s*(?:${NUM})|0(?:[.,]0+)?`;
const num = (s: string): number => Number(s.replace(/\s+/g, '').replace(/[−–]/g, '-').replace(',', '.'));

const COUNT_RE = /^(\d+)\s*[xX×]\s*(?=\S)/;
const DIAMETER_RE = /^(?:⌀|Ø|ø|∅|%%c|DIA\.?\s*)\s*/i;
const CHAMFER_RE = new RegExp(String.raw`^(${NUM})\s*[xX×]\s*(${NUM})\s*°$`);
const FIT_RE = /^([A-Za-z]{1,2}\d{1,2})(?:\s*\/\s*([a-z]{1,2}\d{1,2}))?$/;

/**
 * Reads one dimension's text; null when it is not a dimension (a label, a thread callout, a
 * note). `unit` is the drawing's length unit.
 */
export function readDimensionText(input: string, unit = 'mm'): ReadDimension | null {
  const text = input.replace(/\s+/g, ' ').trim();
  let s = text;
  if (!s || /^M\d/.test(s) || /\b(?:UNC|UNF|UNEF|NPT)\b/.test(s)) return null;
  let count = 1;
  const counted = COUNT_RE.exec(s);
  if (counted && !CHAMFER_RE.test(s)) {
    count = Number(counted[1]);
    s = s.slice(counted[0].length);
  }
  // Boxed (basic) and parenthesized (reference) dimensions.
  let wrapper: Tolerance | null = null;
  const boxed = /^\[(.+)\]$/.exec(s);
  const paren = /^\((.+)\)$/.exec(s);
  if (boxed) {
    wrapper = { type: 'basic' };
    s = boxed[1]!.trim();
  } else if (paren) {
    wrapper = { type: 'reference' };
    s = paren[1]!.trim();
  }
  const chamfer = CHAMFER_RE.exec(s);
  if (chamfer) return { text, kind: 'chamfer', value: num(chamfer[1]!), unit, tolerance: wrapper, count, angle: num(chamfer[2]!) };

  let kind: DimensionKind = 'linear';
  const dia = DIAMETER_RE.exec(s);
  if (dia) {
    kind = 'diameter';
    s = s.slice(dia[0].length);
  } else if (/^SR\s*(?=[\d.,])/.test(s)) {
    kind = 'sphericalRadius';
    s = s.replace(/^SR\s*/, '');
  } else if (/^R\s*(?=[\d.,])/.test(s)) {
    kind = 'radius';
    s = s.replace(/^R\s*/, '');
  }
  const main = new RegExp(String.raw`^(${NUM})\s*(°)?\s*(.*)$`).exec(s);
  if (!main) return null;
  let value = num(main[1]!);
  const angular = main[2] === '°';
  if (angular) kind = 'angular';
  const rest = main[3]!.trim();
  let tolerance: Tolerance | null = wrapper;
  if (rest) {
    if (wrapper) return null;
    const sym = new RegExp(String.raw`^(?:±|\+/-|\+-|%%p)\s*(${NUM})\s*°?$`, 'i').exec(rest);
    const dev = new RegExp(String.raw`^(${SIGNED})\s*°?\s*(?:/|\s)\s*(${SIGNED})\s*°?$`).exec(rest);
    const limit = new RegExp(String.raw`^/\s*(${NUM})$`).exec(rest);
    const fit = FIT_RE.exec(rest.replace(/\s+/g, ''));
    if (sym) {
      const t = num(sym[1]!);
      tolerance = { type: 'symmetric', upper: t, lower: -t };
    } else if (dev) {
      const a = num(dev[1]!);
      const b = num(dev[2]!);
      tolerance = { type: 'deviation', upper: Math.max(a, b), lower: Math.min(a, b) };
    } else if (limit) {
      const other = num(limit[1]!);
      const upper = Math.max(value, other);
      const lower = Math.min(value, other);
      tolerance = { type: 'limits', upper, lower };
      value = Number(((upper + lower) / 2).toFixed(6));
    } else if (fit) {
      tolerance = { type: 'fit', fit: fit[2] ? `${fit[1]}/${fit[2]}` : fit[1]! };
    } else return null;
  }
  return { text, kind, value, unit: angular ? 'deg' : unit, tolerance, count };
}
