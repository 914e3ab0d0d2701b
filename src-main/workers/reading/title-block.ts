/**
 * Title block fields from a drawing's positioned text, in English and German: a label
 * (`BENENNUNG:`, `DWG NO.`, `MASSSTAB:1:2`) and its value, written after the label or in the
 * label's cell below it, larger than the label (several lines joined). The paper format may stand
 * alone (`A3`). DXF title blocks usually carry their fields as block attributes: read by tag.
 */

/** A piece of text where the drawing puts it: baseline origin (y up), font size, rotation in degrees. */
export interface PlacedText {
  str: string;
  x: number;
  y: number;
  size: number;
  rotation: number;
  /** Advance width along the baseline, when known. */
  width?: number;
}

export interface TitleBlock {
  drawingNumber: string | null;
  title: string | null;
  revision: string | null;
  scale: string | null;
  sheet: string | null;
  format: string | null;
  material: string | null;
  drawnBy: string | null;
  date: string | null;
  generalTolerance: string | null;
}

type Field = keyof TitleBlock;

/** Labels by field: each a pattern for the start of the label's text (case-insensitive). */
const LABELS: Array<[Field, RegExp]> = [
  ['drawingNumber', /^(?:zeichnungs?[\s.-]*(?:nr|nummer)\.?|zchng?\.?[\s-]*nr\.?|dwg\.?\s*(?:no|nr|#)\.?|drawing\s*(?:no|number|nr)\.?|document\s*(?:no|number)\.?|doc\.?\s*no\.?)/i],
  ['title', /^(?:benennung|bezeichnung|titel|title|description)/i],
  ['revision', /^(?:revision|rev\.?(?![a-z])|änderung(?:sstand|sindex)?|ausgabe|index(?![a-z]))/i],
  ['scale', /^(?:ma(?:ss|ß)stab|scale)/i],
  ['sheet', /^(?:blatt|sheet)/i],
  ['format', /^(?:format|size)(?![a-z])/i],
  ['material', /^(?:werkstoff|material)/i],
  ['drawnBy', /^(?:gezeichnet|erstellt|bearbeitet|drawn(?:\s*by)?)(?![a-z])/i],
  ['date', /^(?:datum|date)(?![a-z])/i],
  ['generalTolerance', /^(?:allgemein\s*toleranz(?:en)?|freima(?:ss|ß)toleranz(?:en)?|general\s*tolerances?)/i],
];

const FORMAT_RE = /^(?:(?:DIN|ISO)\s*)?A[0-4]$/i;
const ISO_2768_RE = /ISO\s*2768\s*-?\s*([fmcv](?:[HKL])?)\b/i;

interface Label {
  field: Field;
  item: PlacedText;
  /** Text after the label on the same item (`MASSSTAB:1:2` → `1:2`). */
  rest: string;
}

function labelOf(item: PlacedText): Label | null {
  const text = item.str.trim();
  for (const [field, re] of LABELS) {
    const m = re.exec(text);
    if (m) {
      const rest = text.slice(m[0].length).replace(/^[\s:.,;#-]+/, '').trim();
      return { field, item, rest: /[\p{L}\p{N}]/u.test(rest) ? rest : '' };
    }
  }
  return null;
}

/** Joins a value's lines, top to bottom: no space after a line ending in `_` or `-`. */
function joinLines(lines: PlacedText[]): string {
  let out = '';
  for (const l of lines.sort((a, b) => b.y - a.y || a.x - b.x)) {
    const s = l.str.trim();
    out = out === '' ? s : /[_-]$/.test(out) ? out + s : `${out} ${s}`;
  }
  return out;
}

/** The value in a label's cell: larger text right of it on its line, or below it up to the next label. */
function valueBelow(label: Label, items: readonly PlacedText[], labels: readonly Label[]): string | null {
  const l = label.item;
  const reach = 150;
  const isLabel = new Set(labels.map((x) => x.item));
  const upright = (t: PlacedText): boolean => Math.abs(t.rotation) < 1;
  // The next label below in the label's column closes the cell: any text in the labels' size there
  // (also labels of fields not read, such as a weight).
  const floor = Math.max(
    l.y - 60,
    ...items.filter((o) => o !== l && o.y < l.y - 1 && Math.abs(o.size - l.size) < 0.5 && Math.abs(o.x - l.x) < reach / 2).map((o) => o.y),
  );
  // The next label to the right, on about the label's row, closes the cell on that side.
  const right = Math.min(
    l.x + reach,
    ...items.filter((o) => o !== l && o.x > l.x + 1 && Math.abs(o.size - l.size) < 0.5 && Math.abs(o.y - l.y) < 2 * l.size).map((o) => o.x),
  );
  const candidates = items.filter(
    (t) =>
      !isLabel.has(t) &&
      upright(t) &&
      t.str.trim() !== '' &&
      !FORMAT_RE.test(t.str.trim()) &&
      t.size > l.size * 1.2 &&
      t.x >= l.x - 5 &&
      t.x < right &&
      ((t.y < l.y && t.y > floor) || Math.abs(t.y - l.y) < l.size),
  );
  return candidates.length > 0 ? joinLines(candidates) : null;
}

/** Reads the title block from a page's text (or a whole drawing's). */
export function readTitleBlock(items: readonly PlacedText[]): TitleBlock {
  const block: TitleBlock = {
    drawingNumber: null, title: null, revision: null, scale: null, sheet: null, format: null, material: null, drawnBy: null, date: null, generalTolerance: null,
  };
  const labels = items.map(labelOf).filter((l): l is Label => l !== null);
  for (const label of labels) {
    if (block[label.field] !== null) continue;
    const value = label.rest !== '' ? label.rest : valueBelow(label, items, labels);
    if (value) block[label.field] = value;
  }
  if (!block.format) block.format = items.map((t) => t.str.trim()).find((s) => FORMAT_RE.test(s))?.toUpperCase() ?? null;
  if (!block.generalTolerance) {
    // `TOLERANZEN:` / `TOLERANCES:` followed by `LINEAR: +0.1/-0.1`; or an ISO 2768 class anywhere.
    const hasTolerances = items.some((t) => /toleran[cz]/i.test(t.str));
    const linear = hasTolerances ? items.map((t) => /^linear\s*:\s*(\S.*)$/i.exec(t.str.trim())?.[1]).find(Boolean) : undefined;
    const iso = items.map((t) => ISO_2768_RE.exec(t.str)).find(Boolean);
    block.generalTolerance = linear?.trim() ?? (iso ? `ISO 2768-${iso[1]}` : null);
  }
  return block;
}

/** Attribute tags by field, for title blocks drawn as a block with attributes. */
const TAGS: Array<[Field, RegExp]> = [
  ['drawingNumber', /^(?:DWG_?NO|DWG_?NUM(?:BER)?|DRAWING_?(?:NO|NUMBER)|ZEICHNUNGS?_?(?:NR|NUMMER)|DOC_?NO)$/i],
  ['title', /^(?:TITLE|TITEL|BENENNUNG|BEZEICHNUNG|DESCRIPTION)$/i],
  ['revision', /^(?:REV|REVISION|INDEX|AENDERUNG|ÄNDERUNG)$/i],
  ['scale', /^(?:SCALE|MASSSTAB|MAßSTAB)$/i],
  ['sheet', /^(?:SHEET|BLATT)$/i],
  ['format', /^(?:FORMAT|SIZE|PAPER_?SIZE)$/i],
  ['material', /^(?:MATERIAL|WERKSTOFF)$/i],
  ['drawnBy', /^(?:DRAWN|DRAWN_?BY|GEZEICHNET|ERSTELLT)$/i],
  ['date', /^(?:DATE|DATUM)$/i],
  ['generalTolerance', /^(?:GEN_?TOL|GENERAL_?TOLERANCE|ALLGEMEINTOLERANZ|TOLERANCE)$/i],
];

/** Title block fields from block attributes (`TAG: value`), for the fields `into` lacks. */
export function titleBlockFromAttributes(attributes: Record<string, string>, into: TitleBlock): TitleBlock {
  const out = { ...into };
  for (const [tag, value] of Object.entries(attributes)) {
    const field = TAGS.find(([, re]) => re.test(tag.trim()))?.[0];
    if (field && out[field] === null && value.trim()) out[field] = value.trim();
  }
  return out;
}
