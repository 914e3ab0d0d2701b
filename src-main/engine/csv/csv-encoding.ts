/**
 * Text encoding of a CSV file: detection from its first bytes and streaming decoding.
 *
 * Detection order: a BOM (UTF-8, UTF-16 LE/BE); UTF-16 without a BOM (the NUL byte of every ASCII
 * character sits on one side of each byte pair); a prefix that is valid UTF-8; otherwise Latin-1,
 * decoded as windows-1252 (its superset that spreadsheets on Windows actually write).
 */
import { TextDecoder } from 'node:util';
import { EngineError } from '../../../src-shared/errors';

export const CSV_ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

export interface DetectedEncoding {
  encoding: CsvEncoding;
  /** Bytes of byte-order mark at the start of the file; decoding starts after them. */
  bomLength: number;
}

/** How many leading bytes detection looks at. Large enough that a Latin-1 file whose first accented letter is far down is still caught. */
export const ENCODING_SAMPLE_BYTES = 256 * 1024;

const UTF16_PROBE_BYTES = 4096;

/**
 * Detects the encoding from the first bytes of a file.
 * @param sample the first bytes (up to ENCODING_SAMPLE_BYTES)
 * @param isWholeFile whether the sample is the entire file: if not, a multi-byte sequence cut at the
 *   end of the sample is not held against UTF-8.
 */
export function detectEncoding(sample: Uint8Array, isWholeFile: boolean): DetectedEncoding {
  const bom = bomEncoding(sample);
  if (bom) return bom;

  const utf16 = utf16WithoutBom(sample);
  if (utf16) return { encoding: utf16, bomLength: 0 };

  try {
    // stream: true keeps an incomplete trailing sequence pending instead of rejecting it.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: !isWholeFile });
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    return { encoding: 'windows-1252', bomLength: 0 };
  }
}

/**
 * The BOM length to skip when the encoding is chosen by the caller rather than detected: a BOM
 * matching the chosen encoding is skipped (a UTF-8 BOM also when 'utf-8' is chosen).
 */
export function bomLengthFor(encoding: CsvEncoding, sample: Uint8Array): DetectedEncoding {
  const bom = bomEncoding(sample);
  if (!bom) return { encoding, bomLength: 0 };
  const sameFamily =
    bom.encoding === encoding || (bom.encoding === 'utf-8-bom' && encoding === 'utf-8');
  return sameFamily ? { encoding: bom.encoding, bomLength: bom.bomLength } : { encoding, bomLength: 0 };
}

function bomEncoding(b: Uint8Array): DetectedEncoding | null {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8-bom', bomLength: 3 };
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  return null;
}

/** Text in UTF-16 is mostly ASCII for CSV: a zero high byte on one side of most pairs, almost none on the other. */
function utf16WithoutBom(b: Uint8Array): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(Math.min(b.length, UTF16_PROBE_BYTES) / 2);
  if (pairs < 2) return null;
  let zeroEven = 0;
  let zeroOdd = 0;
  for (let p = 0; p < pairs; p++) {
    if (b[2 * p] === 0) zeroEven++;
    if (b[2 * p + 1] === 0) zeroOdd++;
  }
  if (zeroOdd >= pairs * 0.3 && zeroEven <= pairs * 0.05) return 'utf-16le';
  if (zeroEven >= pairs * 0.3 && zeroOdd <= pairs * 0.05) return 'utf-16be';
  return null;
}

const DISPLAY_NAME: Record<CsvEncoding, string> = {
  'utf-8': 'UTF-8',
  'utf-8-bom': 'UTF-8',
  'utf-16le': 'UTF-16 LE',
  'utf-16be': 'UTF-16 BE',
  'windows-1252': 'Windows-1252',
};

/**
 * Streaming decoder: bytes in file order → text. A character split across chunks is decoded once
 * its last byte arrives. Invalid input fails with CSV_ENCODING naming the byte offset in the file.
 */
export class CsvDecoder {
  private readonly decoder: TextDecoder;
  /** File offset of the next byte to decode. */
  private offset: number;
  /** The last (up to 3) bytes of the previous chunk: where a sequence cut at a chunk boundary began. */
  private tail: Uint8Array = new Uint8Array(0);

  constructor(
    readonly encoding: CsvEncoding,
    startOffset: number,
  ) {
    const label = encoding === 'utf-8-bom' ? 'utf-8' : encoding;
    // ignoreBOM: the caller skips the BOM bytes itself; a later U+FEFF is content.
    this.decoder = new TextDecoder(label, { fatal: true, ignoreBOM: true });
    this.offset = startOffset;
  }

  decode(chunk: Uint8Array): string {
    let text: string;
    try {
      text = this.decoder.decode(chunk, { stream: true });
    } catch {
      throw this.encodingError(this.invalidOffset(chunk, false));
    }
    this.offset += chunk.length;
    this.tail = chunk.length >= 3 ? chunk.subarray(chunk.length - 3) : concat(this.tail, chunk).subarray(-3);
    return text;
  }

  /** Flushes the decoder: an incomplete sequence at the end of the file is an error. */
  end(): string {
    try {
      return this.decoder.decode();
    } catch {
      throw this.encodingError(this.invalidOffset(new Uint8Array(0), true));
    }
  }

  private invalidOffset(chunk: Uint8Array, atEnd: boolean): number {
    if (this.encoding === 'utf-16le' || this.encoding === 'utf-16be') return this.offset;
    const buf = concat(this.tail, chunk);
    const base = this.offset - this.tail.length;
    const start = incompleteTailStart(this.tail);
    const bad = firstInvalidUtf8(buf, start, atEnd);
    return bad < 0 ? this.offset : base + bad;
  }

  private encodingError(offset: number): EngineError {
    const name = DISPLAY_NAME[this.encoding];
    const hint =
      this.encoding === 'utf-8' || this.encoding === 'utf-8-bom'
        ? ' (the start of the file looked like UTF-8; choose its real encoding, e.g. Windows-1252, and try again)'
        : ' (choose the file\'s real encoding and try again)';
    return new EngineError('CSV_ENCODING', `The file is not valid ${name}: invalid byte sequence at byte ${offset}${hint}`, {
      encoding: this.encoding,
      offset,
    });
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Index in `tail` where an incomplete UTF-8 sequence starts, or tail.length if it ends on a boundary. */
function incompleteTailStart(tail: Uint8Array): number {
  for (let i = tail.length - 1; i >= 0 && i >= tail.length - 3; i--) {
    const b = tail[i] ?? 0;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return tail.length - i < need ? i : tail.length;
  }
  return tail.length;
}

/**
 * Index of the first byte of the first invalid UTF-8 sequence at or after `start`, or -1. An
 * incomplete sequence at the very end is invalid only when `atEnd`.
 */
export function firstInvalidUtf8(b: Uint8Array, start: number, atEnd: boolean): number {
  const n = b.length;
  let i = start;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      if (i + k >= n) return atEnd ? i : -1;
      const d = b[i + k] as number;
      const min = k === 1 ? lo : 0x80;
      const max = k === 1 ? hi : 0xbf;
      if (d < min || d > max) return i;
    }
    i += need + 1;
  }
  return -1;
}
