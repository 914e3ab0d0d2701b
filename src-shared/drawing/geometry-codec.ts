/**
 * The geometry of a drawing preview (what the DXF viewer draws) and its file format, `geometry.bin`,
 * written by the extraction worker and read by the renderer.
 *
 * Format (little-endian, every part 4-byte aligned):
 *
 *   0   u32  magic "BPDG"
 *   4   u32  format version (GEOMETRY_FORMAT_VERSION)
 *   8   u32  byte length of the meta JSON
 *   12  u32  byte length of the payload
 *   16  meta JSON, UTF-8, zero-padded to a multiple of 4
 *   …   payload: Float32Array data one after another
 *
 * The meta JSON is the DrawingGeometry with each Float32Array replaced by `{ "o": offset, "n":
 * length }` (in floats, from the payload's start). Decoding makes Float32Array views on the given
 * buffer, so nothing is copied (unless the given view is not 4-byte aligned in its buffer, which
 * costs one copy).
 *
 * Coordinates are float32 relative to `origin` (the middle of the extents, kept as float64), so a
 * drawing far from 0,0 (site plans in national grids) keeps its precision.
 */
import { err, ok, type Result } from '../errors';

/** Colour value for "the foreground": ACI 7, white on a dark background and black on a light one. */
export const FOREGROUND = -1;

export const GEOMETRY_FORMAT_VERSION = 1;
const MAGIC = 0x47445042; // "BPDG" as bytes
const HEADER_BYTES = 16;

/** Floats per text in `TextItems.data`. */
export const TEXT_STRIDE = 7;
/** Offsets within a text's floats. */
export const TEXT_X = 0;
export const TEXT_Y = 1;
export const TEXT_HEIGHT = 2;
/** Radians, counter-clockwise. */
export const TEXT_ROTATION = 3;
export const TEXT_LAYER = 4;
export const TEXT_COLOR = 5;
/** Where x, y is on the text's box, as MTEXT's attachment point: 1 top left … 5 middle centre … 9 bottom right. */
export const TEXT_ATTACHMENT = 6;

/** Floats per instance in `BlockGeometry.instances`: the affine map a b c d e f. */
export const INSTANCE_STRIDE = 6;

export interface Point2 {
  x: number;
  y: number;
}

export interface Extents {
  min: Point2;
  max: Point2;
}

export interface LayerInfo {
  name: string;
  /** 0xRRGGBB or FOREGROUND. */
  color: number;
  /** Model-space entities on the layer (as the extraction counts them). */
  entityCount: number;
  /** False for layers the drawing has off or frozen: the viewer starts with them hidden. */
  visible: boolean;
}

/** Everything of one layer and one colour, drawn with one draw call. */
export interface LineBatch {
  /** Index into `layers`. */
  layer: number;
  /** 0xRRGGBB or FOREGROUND. */
  color: number;
  /** Line segments, x1 y1 x2 y2 each: relative to `origin` in world batches, in block space in blocks. */
  segments: Float32Array;
  /** Filled triangles (solid hatches, SOLID and TRACE), x1 y1 x2 y2 x3 y3 each, in the same space. */
  triangles: Float32Array;
}

/** A block inserted many times: its geometry once, in block space, and where each insert puts it. */
export interface BlockGeometry {
  name: string;
  /** The layer of its inserts: hiding it hides every instance (as freezing it would). */
  layer: number;
  batches: LineBatch[];
  /**
   * INSTANCE_STRIDE floats per instance, the map from block space to world space (relative to
   * `origin`): x' = a·x + c·y + e, y' = b·x + d·y + f.
   */
  instances: Float32Array;
}

export interface TextItems {
  /** The texts, plain (MTEXT formatting removed, `\n` between lines), in reading order. */
  strings: string[];
  /** TEXT_STRIDE floats per text: x, y (relative to `origin`), height, rotation, layer, color, attachment. */
  data: Float32Array;
}

export interface GeometryStats {
  segments: number;
  triangles: number;
  instances: number;
  texts: number;
  /** Inserts drawn into the world batches rather than instanced (blocks used rarely). */
  flattenedInserts: number;
  /** Entity types the preview does not draw, with how many of each. */
  skipped: Record<string, number>;
  /** True when limits were reached and part of the drawing is left out. */
  truncated: boolean;
}

export interface DrawingGeometry {
  /** $INSUNITS as a name ("millimeters"), or null when the drawing does not say. */
  units: string | null;
  /** World coordinates of the payload's 0,0. */
  origin: Point2;
  /** World extents of what is drawn (texts by their anchor points), or null for an empty drawing. */
  extents: Extents | null;
  layers: LayerInfo[];
  batches: LineBatch[];
  blocks: BlockGeometry[];
  texts: TextItems;
  stats: GeometryStats;
}

/** One text as an object (for lists and tests; the viewer reads `data` directly). */
export interface TextItem {
  text: string;
  x: number;
  y: number;
  height: number;
  rotation: number;
  layer: number;
  color: number;
  attachment: number;
}

export function textAt(texts: TextItems, i: number): TextItem {
  const d = texts.data;
  const o = i * TEXT_STRIDE;
  return {
    text: texts.strings[i] ?? '',
    x: d[o + TEXT_X]!,
    y: d[o + TEXT_Y]!,
    height: d[o + TEXT_HEIGHT]!,
    rotation: d[o + TEXT_ROTATION]!,
    layer: d[o + TEXT_LAYER]!,
    color: d[o + TEXT_COLOR]!,
    attachment: d[o + TEXT_ATTACHMENT]!,
  };
}

// TextEncoder and TextDecoder are globals in Node and browsers; src-shared compiles without either's types.
declare const TextEncoder: new () => { encode(text: string): Uint8Array };
declare const TextDecoder: new (label?: string, options?: { fatal?: boolean }) => { decode(bytes: Uint8Array): string };

interface Ref {
  o: number;
  n: number;
}

const align4 = (n: number): number => (n + 3) & ~3;

/** The geometry as one buffer (see the format above). */
export function encodeGeometry(g: DrawingGeometry): Uint8Array<ArrayBuffer> {
  const arrays: Float32Array[] = [];
  let floats = 0;
  const ref = (a: Float32Array): Ref => {
    arrays.push(a);
    const r = { o: floats, n: a.length };
    floats += a.length;
    return r;
  };
  const batch = (b: LineBatch): unknown => ({ layer: b.layer, color: b.color, segments: ref(b.segments), triangles: ref(b.triangles) });
  const meta = {
    units: g.units,
    origin: g.origin,
    extents: g.extents,
    layers: g.layers,
    batches: g.batches.map(batch),
    blocks: g.blocks.map((b) => ({ name: b.name, layer: b.layer, batches: b.batches.map(batch), instances: ref(b.instances) })),
    texts: { strings: g.texts.strings, data: ref(g.texts.data) },
    stats: g.stats,
  };
  const json = new TextEncoder().encode(JSON.stringify(meta));
  const metaBytes = align4(json.length);
  const out = new Uint8Array(HEADER_BYTES + metaBytes + floats * 4);
  const header = new DataView(out.buffer);
  header.setUint32(0, MAGIC, true);
  header.setUint32(4, GEOMETRY_FORMAT_VERSION, true);
  header.setUint32(8, json.length, true);
  header.setUint32(12, floats * 4, true);
  out.set(json, HEADER_BYTES);
  const payload = new Float32Array(out.buffer, HEADER_BYTES + metaBytes, floats);
  let at = 0;
  for (const a of arrays) {
    payload.set(a, at);
    at += a.length;
  }
  if (!LITTLE_ENDIAN) swapFloat32(new Uint8Array(out.buffer, HEADER_BYTES + metaBytes, floats * 4));
  return out;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** Big-endian hosts (none that run Baseplate today) get the file's little-endian floats swapped in place. */
function swapFloat32(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const [a, b] = [bytes[i]!, bytes[i + 1]!];
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/**
 * The geometry in a buffer written by encodeGeometry, as views on that buffer; or why it is not
 * one (a message a person can act on).
 */
export function decodeGeometry(data: ArrayBuffer | ArrayBufferView): Result<DrawingGeometry, string> {
  let buffer: ArrayBuffer;
  let base: number;
  let length: number;
  if (data instanceof ArrayBuffer) {
    buffer = data;
    base = 0;
    length = data.byteLength;
  } else if (data.byteOffset % 4 === 0 && data.buffer instanceof ArrayBuffer) {
    buffer = data.buffer;
    base = data.byteOffset;
    length = data.byteLength;
  } else {
    const copy = new Uint8Array(data.byteLength);
    copy.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    buffer = copy.buffer;
    base = 0;
    length = copy.byteLength;
  }
  if (length < HEADER_BYTES) return err('The drawing preview is empty or cut short.');
  const header = new DataView(buffer, base, HEADER_BYTES);
  if (header.getUint32(0, true) !== MAGIC) return err('This is not a drawing preview file.');
  const version = header.getUint32(4, true);
  if (version !== GEOMETRY_FORMAT_VERSION) {
    return err(version > GEOMETRY_FORMAT_VERSION ? `The drawing preview was made by a newer version of Baseplate (format ${version}); this one reads format ${GEOMETRY_FORMAT_VERSION}.` : `The drawing preview has an unknown format (${version}).`);
  }
  const jsonBytes = header.getUint32(8, true);
  const payloadBytes = header.getUint32(12, true);
  const payloadAt = base + HEADER_BYTES + align4(jsonBytes);
  if (payloadBytes % 4 !== 0 || payloadAt - base + payloadBytes > length) return err('The drawing preview is cut short.');
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(buffer, base + HEADER_BYTES, jsonBytes))) as Record<string, unknown>;
  } catch {
    return err('The drawing preview is damaged (its description is not readable).');
  }
  const floats = payloadBytes / 4;
  if (!LITTLE_ENDIAN) {
    // Swap a copy: the caller's buffer stays as it was.
    const copy = new Uint8Array(buffer.slice(payloadAt, payloadAt + payloadBytes));
    swapFloat32(copy);
    return build(meta, (r) => new Float32Array(copy.buffer, r.o * 4, r.n), floats);
  }
  return build(meta, (r) => new Float32Array(buffer, payloadAt + r.o * 4, r.n), floats);
}

function build(meta: Record<string, unknown>, view: (r: Ref) => Float32Array, floats: number): Result<DrawingGeometry, string> {
  try {
    const array = (r: unknown): Float32Array => {
      const { o, n } = (r ?? {}) as Partial<Ref>;
      if (!Number.isInteger(o) || !Number.isInteger(n) || o! < 0 || n! < 0 || o! + n! > floats) throw new Error('bad reference');
      return view({ o: o!, n: n! });
    };
    const batch = (b: unknown): LineBatch => {
      const x = b as { layer: number; color: number; segments: unknown; triangles: unknown };
      return { layer: Number(x.layer), color: Number(x.color), segments: array(x.segments), triangles: array(x.triangles) };
    };
    const list = (v: unknown): unknown[] => {
      if (!Array.isArray(v)) throw new Error('bad list');
      return v;
    };
    const texts = meta.texts as { strings: unknown; data: unknown };
    const geometry: DrawingGeometry = {
      units: typeof meta.units === 'string' ? meta.units : null,
      origin: meta.origin as Point2,
      extents: (meta.extents as Extents | null) ?? null,
      layers: list(meta.layers) as LayerInfo[],
      batches: list(meta.batches).map(batch),
      blocks: list(meta.blocks).map((b) => {
        const x = b as { name: string; layer: number; batches: unknown; instances: unknown };
        return { name: String(x.name), layer: Number(x.layer), batches: list(x.batches).map(batch), instances: array(x.instances) };
      }),
      texts: { strings: list(texts.strings).map(String), data: array(texts.data) },
      stats: meta.stats as GeometryStats,
    };
    if (geometry.texts.data.length !== geometry.texts.strings.length * TEXT_STRIDE) throw new Error('bad texts');
    return ok(geometry);
  } catch {
    return err('The drawing preview is damaged (its parts do not fit together).');
  }
}
