/**
 * Encodes a new shard doc's state directly as a Yjs update (format V1), without building a Y.Doc:
 * the update a fresh doc with client id `clientId` emits when `records` entries are set in order,
 * and nothing else. Bulk imports use it; building 10,000 records in a Y.Doc first costs about
 * twice as much, mostly allocation.
 *
 * Layout (see Yjs' update encoding): one client; its structs are map items, each one clock unit
 * long, with no left or right origin and a top-level type as parent: first the shard's layout (in
 * 'layouts', see table-doc.ts), then each record (in 'records', the record id as key and the record
 * as one JSON-like value: ContentAny, lib0's `writeAny` encoding); then an empty delete set. A test
 * checks the bytes against Yjs building the same doc.
 *
 * Records are written packed, from their cells in layout order: field ids, which would be most of
 * the bytes, are written once per shard, and an import builds no per-record objects. The bytes go to one growing buffer of our own: lib0's encoder allocates a
 * view for every byte array it copies, which in a bulk import cost more than the encoding itself.
 */
import type { CellValue } from '../schema/schema.types';
import { layoutKey } from './table-doc';

/** Item info byte: content ref 8 (ContentAny) with the parentSub flag (bit 6) set. */
const MAP_ANY_ITEM = 8 | 0b0010_0000;
/** lib0 `writeAny` type tags. */
const ANY = { array: 117, object: 118, string: 119, true: 120, false: 121, float64: 123, float32: 124, integer: 125, null: 126, undefined: 127 } as const;
const BITS31 = 0x7fffffff;

const float32Probe = new DataView(new ArrayBuffer(4));
function isFloat32(n: number): boolean {
  float32Probe.setFloat32(0, n);
  return float32Probe.getFloat32(0) === n;
}

/** `s` as UTF-8 with its byte length in front (a varUint); lone surrogates as U+FFFD. */
function utf8(s: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  const len: number[] = [];
  let n = out.length;
  while (n > 0x7f) {
    len.push(0x80 | (n & 0x7f));
    n = Math.floor(n / 128);
  }
  len.push(n);
  return Uint8Array.from([...len, ...out]);
}

/** A growing byte buffer with the parts of lib0's encoding an update needs, byte for byte the same. */
class Bytes {
  buf = new Uint8Array(1 << 16);
  view = new DataView(this.buf.buffer);
  pos = 0;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    const buf = this.buf;
    const p = this.pos;
    if (b.length > 64) buf.set(b, p);
    else for (let i = 0; i < b.length; i++) buf[p + i] = b[i]!;
    this.pos = p + b.length;
  }

  varUint(n: number): void {
    this.room(10);
    while (n > 0x7f) {
      this.buf[this.pos++] = 0x80 | (n & 0x7f);
      n = Math.floor(n / 128);
    }
    this.buf[this.pos++] = n & 0x7f;
  }

  /** lib0 `writeVarInt`: the first byte holds a continue bit, a sign bit and 6 bits. */
  varInt(n: number): void {
    this.room(10);
    const negative = n !== 0 ? n < 0 : 1 / n < 0;
    if (negative) n = -n;
    this.buf[this.pos++] = (n > 0x3f ? 0x80 : 0) | (negative ? 0x40 : 0) | (n & 0x3f);
    n = Math.floor(n / 64);
    while (n > 0) {
      this.buf[this.pos++] = (n > 0x7f ? 0x80 : 0) | (n & 0x7f);
      n = Math.floor(n / 128);
    }
  }

  /**
   * A length-prefixed UTF-8 string, as lib0 writes it (through TextEncoder, so a lone surrogate
   * becomes U+FFFD).
   */
  string(s: string): void {
    let ascii = true;
    for (let i = 0; i < s.length; i++) {
      if (s.charCodeAt(i) > 0x7f) {
        ascii = false;
        break;
      }
    }
    if (!ascii) {
      this.bytes(utf8(s));
      return;
    }
    this.varUint(s.length);
    this.room(s.length);
    const buf = this.buf;
    const p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p + i] = s.charCodeAt(i);
    this.pos = p + s.length;
  }

  /** lib0 `writeAny` for the JSON-like values cells hold. */
  any(v: unknown): void {
    switch (typeof v) {
      case 'string':
        this.byte(ANY.string);
        this.string(v);
        return;
      case 'number':
        if (Number.isInteger(v) && Math.abs(v) <= BITS31) {
          this.byte(ANY.integer);
          this.varInt(v);
        } else if (isFloat32(v)) {
          this.byte(ANY.float32);
          this.room(4);
          this.view.setFloat32(this.pos, v, false);
          this.pos += 4;
        } else {
          this.byte(ANY.float64);
          this.room(8);
          this.view.setFloat64(this.pos, v, false);
          this.pos += 8;
        }
        return;
      case 'boolean':
        this.byte(v ? ANY.true : ANY.false);
        return;
      case 'undefined':
        this.byte(ANY.undefined);
        return;
      case 'object':
        if (v === null) {
          this.byte(ANY.null);
        } else if (Array.isArray(v)) {
          this.byte(ANY.array);
          this.varUint(v.length);
          for (const item of v) this.any(item);
        } else if (Object.getPrototypeOf(v) === Object.prototype) {
          const o = v as Record<string, unknown>;
          const keys = Object.keys(o);
          this.byte(ANY.object);
          this.varUint(keys.length);
          for (const k of keys) {
            this.string(k);
            this.any(o[k]);
          }
        } else {
          throw new TypeError('ShardWriter: a cell holds an object that is not plain JSON');
        }
        return;
      default:
        throw new TypeError(`ShardWriter: a cell holds a ${typeof v}, which is not JSON`);
    }
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

function encoded(write: (b: Bytes) => void): Uint8Array {
  const b = new Bytes();
  write(b);
  return b.result();
}

/** The bytes before a map entry's key: its info byte and its parent, the top-level type `map`. */
const itemHead = (map: string): Uint8Array =>
  encoded((b) => {
    b.byte(MAP_ANY_ITEM);
    b.varUint(1); // parent is a top-level type, named:
    b.string(map);
  });
const RECORD_ITEM = itemHead('records');
/** The bytes after a record's id: one value, an object of four keys, the first 'c'. */
const RECORD_HEAD = encoded((b) => {
  b.varUint(1);
  b.byte(ANY.object);
  b.varUint(4);
  b.string('c');
});
const KEY_N = encoded((b) => b.string('n'));

export class ShardWriter {
  private readonly body = new Bytes();
  /** What follows `n`'s value in every record: the layout key and the values array's head. */
  private readonly layoutRef: Uint8Array;
  private readonly width: number;
  private count = 0;

  /** `fieldIds`: the fields `add` gets cells for, in that order: the shard's layout. */
  constructor(
    private readonly clientId: number,
    fieldIds: readonly string[],
  ) {
    const key = layoutKey(fieldIds);
    this.width = fieldIds.length;
    // The layout is the first entry (clock 0), so a replica has it before any record using it.
    const b = this.body;
    b.bytes(itemHead('layouts'));
    b.string(key);
    b.varUint(1); // one value
    b.any(fieldIds);
    this.layoutRef = encoded((r) => {
      r.string('l');
      r.any(key);
      r.string('a');
      r.byte(ANY.array);
      r.varUint(fieldIds.length);
    });
  }

  /** Records added. */
  get size(): number {
    return this.count;
  }

  /** Adds a record: `{c: createdAt, n: autonumber, l, a}`, `a` holding the cells in layout order, null where empty. */
  add(recordId: string, createdAt: number, autonumber: number, cells: ReadonlyArray<CellValue | null | undefined>): void {
    if (cells.length < this.width) throw new Error('ShardWriter.add: fewer cells than the layout has fields');
    const b = this.body;
    b.bytes(RECORD_ITEM);
    b.string(recordId);
    b.bytes(RECORD_HEAD);
    b.any(createdAt);
    b.bytes(KEY_N);
    b.any(autonumber);
    b.bytes(this.layoutRef);
    for (let k = 0; k < this.width; k++) {
      const value = cells[k];
      if (value == null) b.byte(ANY.null);
      else b.any(value);
    }
    this.count++;
  }

  /** The update: the layout, then every record added, in order. */
  finish(): Uint8Array {
    const head = new Bytes();
    head.varUint(1); // clients
    head.varUint(this.count + 1); // structs of this client: the layout and the records
    head.varUint(this.clientId);
    head.varUint(0); // first clock
    const out = new Uint8Array(head.pos + this.body.pos + 1);
    out.set(head.buf.subarray(0, head.pos), 0);
    out.set(this.body.buf.subarray(0, this.body.pos), head.pos);
    out[out.length - 1] = 0; // delete set: no clients
    return out;
  }
}
