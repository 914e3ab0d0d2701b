/**
 * Geometric tolerances (feature control frames) as CAD writes them: compartments separated by
 * `%%v`, symbols in AutoCAD's GDT font (`{\Fgdt;j}` is position, `n` a diameter zone, `m` maximum
 * material), lines of a composite frame separated by `^J`. DXF TOLERANCE entities hold exactly
 * this; MTEXT may too.
 */

/** GDT font letters: characteristics and modifiers. */
const CHARACTERISTICS: Record<string, [string, string]> = {
  a: ['angularity', '∠'],
  b: ['perpendicularity', '⊥'],
  c: ['flatness', '⏥'],
  d: ['profile of a surface', '⌓'],
  e: ['circularity', '○'],
  f: ['parallelism', '∥'],
  g: ['cylindricity', '⌭'],
  h: ['circular runout', '↗'],
  i: ['symmetry', '⌯'],
  j: ['position', '⌖'],
  k: ['profile of a line', '⌒'],
  r: ['concentricity', '◎'],
  t: ['total runout', '⌰'],
  u: ['straightness', '⏤'],
};
const MODIFIERS: Record<string, string> = { l: 'Ⓛ', m: 'Ⓜ', n: '⌀', p: 'Ⓟ', s: 'Ⓢ', t: 'Ⓣ', f: 'Ⓕ', u: 'Ⓤ' };

export interface GdtFrameRead {
  text: string;
  characteristic: string;
  tolerance: string;
  datums: string[];
}

/** A compartment's text with GDT-font letters as symbols (`kind` says which table applies). */
function decodeCompartment(raw: string, kind: 'characteristic' | 'value'): string {
  let out = '';
  const re = /\{\\F(?:gdt|GDT)[^;]*;([^}]*)\}|\\F(?:gdt|GDT)[^;]*;(\S*)|([^{\\]+)|./g;
  for (const m of raw.matchAll(re)) {
    const gdt = m[1] ?? m[2];
    if (gdt !== undefined) {
      for (const ch of gdt) out += kind === 'characteristic' ? (CHARACTERISTICS[ch]?.[1] ?? ch) : (MODIFIERS[ch] ?? ch);
    } else if (m[3] !== undefined) out += m[3];
  }
  return out.replace(/%%c/gi, '⌀').replace(/\s+/g, ' ').trim();
}

/** The frames in a TOLERANCE text (one per line of a composite frame); none when it is not one. */
export function readGdtFrames(raw: string): GdtFrameRead[] {
  const frames: GdtFrameRead[] = [];
  for (const line of raw.split(/\^J|\\P/)) {
    const parts = line.split(/%%v/i);
    if (parts.length < 2) continue;
    const symbol = /\\F(?:gdt|GDT)[^;]*;\s*([a-u])/.exec(parts[0]!)?.[1];
    const characteristic = symbol ? CHARACTERISTICS[symbol]?.[0] : undefined;
    if (!characteristic) continue;
    const tolerance = decodeCompartment(parts[1]!, 'value');
    const datums = parts
      .slice(2)
      .map((d) => decodeCompartment(d, 'value'))
      .filter((d) => d !== '');
    const text = [CHARACTERISTICS[symbol!]![1], tolerance, ...datums].join(' | ');
    frames.push({ text, characteristic, tolerance, datums });
  }
  return frames;
}
