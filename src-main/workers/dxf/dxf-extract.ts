/**
 * What a DXF drawing holds, read for records: its version and units, extents, layers with their
 * entity counts, block definitions, block inserts with their attribute values (MINSERT grids
 * expanded), all text as plain text in reading order (title block texts inside inserted blocks
 * included), dimensions with their displayed text, and tables as cells.
 *
 * Counts are of model-space entities of the ENTITIES section, not counting the ATTRIB and SEQEND
 * records that belong to an INSERT.
 */
import type { IDxf } from 'dxf-parser';
import { decodeControlCodes, plainMText } from './dxf-text';
import { readDxf, type AttribEntity, type MultiLeaderEntity, type TableEntity } from './dxf-read';
import { readGdtFrames, type GdtFrameRead } from '../reading/gdt';

export interface DxfInsert {
  block: string;
  layer: string;
  attributes: Record<string, string>;
  position: { x: number; y: number };
}

export interface DxfDimension {
  /** As the drawing shows it: the override text with `<>` replaced by the measurement, or the measurement. */
  text: string;
  kind: 'linear' | 'aligned' | 'angular' | 'diameter' | 'radius' | 'angular3point' | 'ordinate' | 'arc' | 'unknown';
  /** The measurement the file records (or, in old files without one, the number the text shows). */
  value: number | null;
}

export interface DxfExtraction {
  dxf: {
    version: string | null;
    units: string | null;
    extents: { min: { x: number; y: number }; max: { x: number; y: number } } | null;
    layers: Array<{ name: string; entityCount: number }>;
    entityCounts: Record<string, number>;
    blocks: string[];
    inserts: DxfInsert[];
  };
  text: string[];
  dimensions: DxfDimension[];
  tables: Array<{ rows: string[][] }>;
  /** Feature control frames of TOLERANCE entities (and of MTEXT written in the GDT font). */
  gdt: GdtFrameRead[];
}

/** $INSUNITS codes. */
const UNITS = [
  'unitless', 'inches', 'feet', 'miles', 'millimeters', 'centimeters', 'meters', 'kilometers', 'microinches', 'mils', 'yards',
  'angstroms', 'nanometers', 'microns', 'decimeters', 'decameters', 'hectometers', 'gigameters', 'astronomical units',
  'light years', 'parsecs', 'US survey feet',
];

const DIMENSION_KINDS: Array<DxfDimension['kind']> = ['linear', 'aligned', 'angular', 'diameter', 'radius', 'angular3point', 'ordinate'];

type Entity = Record<string, unknown> & { type: string; layer?: string; inPaperSpace?: boolean };
interface Point {
  x: number;
  y: number;
}
/** Where a text sits, in model space, and how tall it is: for reading order. */
interface Placed {
  text: string;
  x: number;
  y: number;
  height: number;
}

const pointOf = (v: unknown): Point | null => {
  const p = v as { x?: unknown; y?: unknown } | null | undefined;
  return p && typeof p.x === 'number' && typeof p.y === 'number' ? { x: p.x, y: p.y } : null;
};

export function extractDxf(source: string): DxfExtraction {
  return extractParsedDxf(readDxf(source));
}

/** The same from a file read already (readDxf), for callers that also build its preview from it. */
export function extractParsedDxf(dxf: IDxf): DxfExtraction {
  const header = (dxf.header ?? {}) as Record<string, unknown>;
  const entities = dxf.entities as unknown as Entity[];
  const blocks = (dxf.blocks ?? {}) as unknown as Record<string, { name: string; entities?: Entity[]; position?: Point }>;
  const modelSpace = entities.filter((e) => !e.inPaperSpace);

  const entityCounts: Record<string, number> = {};
  const perLayer = new Map<string, number>();
  for (const e of modelSpace) {
    if (e.type === 'ATTRIB' || e.type === 'SEQEND') continue;
    entityCounts[e.type] = (entityCounts[e.type] ?? 0) + 1;
    const layer = e.layer ?? '0';
    perLayer.set(layer, (perLayer.get(layer) ?? 0) + 1);
  }
  const tableLayers = Object.keys((dxf.tables as { layer?: { layers?: Record<string, unknown> } } | undefined)?.layer?.layers ?? {});
  const layers = [...tableLayers, ...[...perLayer.keys()].filter((l) => !tableLayers.includes(l))].map((name) => ({ name, entityCount: perLayer.get(name) ?? 0 }));

  const min = pointOf(header.$EXTMIN);
  const max = pointOf(header.$EXTMAX);
  const unitsCode = header.$INSUNITS;

  const placed: Placed[] = [];
  const inserts: DxfInsert[] = [];
  const dimensions: DxfDimension[] = [];
  const tables: Array<{ rows: string[][] }> = [];
  const gdt: GdtFrameRead[] = [];

  for (let i = 0; i < modelSpace.length; i++) {
    const e = modelSpace[i]!;
    switch (e.type) {
      case 'TEXT':
      case 'MTEXT':
        if (typeof e.text === 'string' && /\\F(?:gdt|GDT)/.test(e.text) && /%%v/i.test(e.text)) gdt.push(...readGdtFrames(e.text));
        else addText(placed, e, { x: 0, y: 0 }, 1, 0);
        break;
      case 'TOLERANCE': {
        const raw = (e as { groups?: Array<{ code: number; value: unknown }> }).groups?.find((g) => g.code === 1)?.value;
        if (typeof raw === 'string') gdt.push(...readGdtFrames(raw));
        break;
      }
      case 'INSERT': {
        // Its ATTRIBs follow it, up to a SEQEND.
        const attributes: Record<string, string> = {};
        let j = i + 1;
        for (; j < modelSpace.length && modelSpace[j]!.type === 'ATTRIB'; j++) {
          const a = modelSpace[j] as unknown as AttribEntity;
          const value = plainMText(a.text);
          attributes[a.tag] = value;
          if (value.trim()) placed.push({ text: value, ...(a.position ?? pointOf(e.position) ?? { x: 0, y: 0 }), height: heightOf(a) });
        }
        if (j < modelSpace.length && modelSpace[j]!.type === 'SEQEND') i = j;
        else i = j - 1;
        const name = String(e.name ?? '');
        const at = pointOf(e.position) ?? { x: 0, y: 0 };
        const columns = Math.max(1, Number(e.columnCount ?? 1));
        const rows = Math.max(1, Number(e.rowCount ?? 1));
        const dx = Number(e.columnSpacing ?? 0);
        const dy = Number(e.rowSpacing ?? 0);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < columns; c++) {
            inserts.push({ block: name, layer: e.layer ?? '0', attributes: { ...attributes }, position: { x: at.x + c * dx, y: at.y + r * dy } });
          }
        }
        // The texts of the block (a title block's labels), where the insert puts them.
        const block = blocks[name];
        if (block && !name.startsWith('*')) {
          const scale = Number(e.xScale ?? 1);
          const rotation = Number(e.rotation ?? 0);
          const base = pointOf(block.position) ?? { x: 0, y: 0 };
          for (const be of block.entities ?? []) {
            if (be.type === 'TEXT' || be.type === 'MTEXT') addText(placed, be, { x: at.x - base.x * scale, y: at.y - base.y * scale }, scale, rotation);
          }
        }
        break;
      }
      case 'DIMENSION':
      case 'ARC_DIMENSION':
      case 'LARGE_RADIAL_DIMENSION':
        dimensions.push(dimensionOf(e, blocks, typeof header.$DIMDEC === 'number' ? header.$DIMDEC : 4));
        break;
      case 'MULTILEADER':
      case 'MLEADER': {
        const m = e as unknown as MultiLeaderEntity;
        const at = m.textPosition ?? m.contentBase;
        if (m.text && at) placed.push({ text: m.text, x: at.x, y: at.y, height: m.textHeight > 0 ? m.textHeight : 1 });
        break;
      }
      case 'ACAD_TABLE': {
        const t = e as unknown as TableEntity;
        const rows: string[][] = [];
        for (let r = 0; r < t.rows; r++) rows.push(t.cells.slice(r * t.columns, (r + 1) * t.columns).map((c) => plainMText(c)));
        tables.push({ rows });
        break;
      }
    }
  }

  return {
    dxf: {
      version: typeof header.$ACADVER === 'string' ? header.$ACADVER : null,
      units: typeof unitsCode === 'number' ? (UNITS[unitsCode] ?? null) : null,
      extents: min && max ? { min, max } : null,
      layers,
      entityCounts,
      blocks: Object.keys(blocks).filter((n) => !n.startsWith('*')),
      inserts,
    },
    text: readingOrder(placed),
    dimensions,
    tables,
    gdt,
  };
}

function heightOf(e: object): number {
  const h = (e as { height?: unknown; textHeight?: unknown }).height ?? (e as { textHeight?: unknown }).textHeight;
  return typeof h === 'number' && h > 0 ? h : 1;
}

function addText(placed: Placed[], e: Entity, offset: Point, scale: number, rotationDeg: number): void {
  const raw = typeof e.text === 'string' ? e.text : '';
  const text = e.type === 'MTEXT' ? plainMText(raw) : decodeControlCodes(plainMText(raw));
  if (!text.trim()) return;
  const p = pointOf(e.startPoint) ?? pointOf(e.position) ?? { x: 0, y: 0 };
  const r = (rotationDeg * Math.PI) / 180;
  const x = offset.x + scale * (p.x * Math.cos(r) - p.y * Math.sin(r));
  const y = offset.y + scale * (p.x * Math.sin(r) + p.y * Math.cos(r));
  placed.push({ text, x, y, height: heightOf(e) * scale });
}

/** Top to bottom, then left to right; texts whose baselines are within half a text height share a line. */
function readingOrder(placed: Placed[]): string[] {
  const sorted = [...placed].sort((a, b) => b.y - a.y || a.x - b.x);
  const lines: Placed[][] = [];
  for (const t of sorted) {
    const line = lines.at(-1);
    if (line && Math.abs(line[0]!.y - t.y) <= Math.max(line[0]!.height, t.height) / 2) line.push(t);
    else lines.push([t]);
  }
  return lines.flatMap((line) => line.sort((a, b) => a.x - b.x).map((t) => t.text));
}

/** Text in a dimension's block (its drawn text), for files that store no text or measurement of their own. */
function blockText(blocks: Record<string, { entities?: Entity[] }>, name: unknown): string | null {
  if (typeof name !== 'string') return null;
  for (const e of blocks[name]?.entities ?? []) {
    if ((e.type === 'TEXT' || e.type === 'MTEXT') && typeof e.text === 'string' && e.text.trim()) return e.type === 'MTEXT' ? plainMText(e.text) : decodeControlCodes(e.text);
  }
  return null;
}

function dimensionOf(e: Entity, blocks: Record<string, { entities?: Entity[] }>, decimals: number): DxfDimension {
  const raw = e as { dimensionType?: unknown; actualMeasurement?: unknown; text?: unknown; block?: unknown; groups?: Array<{ code: number; value: unknown }> };
  const type = typeof raw.dimensionType === 'number' ? raw.dimensionType : Number(raw.groups?.find((g) => g.code === 70)?.value ?? NaN);
  const kind: DxfDimension['kind'] = e.type === 'ARC_DIMENSION' ? 'arc' : e.type === 'LARGE_RADIAL_DIMENSION' ? 'radius' : (DIMENSION_KINDS[type & 7] ?? 'unknown');
  const angular = kind === 'angular' || kind === 'angular3point';
  const measured = typeof raw.actualMeasurement === 'number' ? raw.actualMeasurement : Number(raw.groups?.find((g) => g.code === 42)?.value ?? NaN);
  // Angles are stored in radians; shown (and reported) in degrees.
  const value = Number.isFinite(measured) ? (angular ? (measured * 180) / Math.PI : measured) : null;
  // What the drawing shows is the text in the dimension's block; without one, the override text
  // with <> standing for the measurement, or the measurement at the drawing's precision.
  const drawn = blockText(blocks, raw.block ?? raw.groups?.find((g) => g.code === 2)?.value);
  const shown = value === null ? null : `${value.toFixed(angular ? 0 : decimals)}${angular ? '°' : ''}`;
  const override = typeof raw.text === 'string' ? raw.text : String(raw.groups?.find((g) => g.code === 1)?.value ?? '');
  let text: string;
  if (drawn !== null) text = drawn;
  else if (override && override !== '<>') text = plainMText(shown === null ? override : override.replace('<>', shown));
  else text = shown ?? '';
  return { text, kind, value: value ?? numberIn(text) };
}

function numberIn(text: string): number | null {
  const m = /[-+]?\d+(?:[.,]\d+)?/.exec(text);
  return m ? Number(m[0].replace(',', '.')) : null;
}
