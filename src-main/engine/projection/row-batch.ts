/**
 * Projected rows of new records as columns of typed arrays: made where rows are projected (a bulk
 * import's worker) and written where the SQL connection is (the engine thread), sent by transfer
 * without copying. Building them keeps no JS value per cell alive: holding a shard's worth of row
 * values and search texts as JS strings and numbers until it was sent made garbage collection the
 * largest cost of the import worker (measured: about a third of its time).
 *
 * Each column holds one field's SQL values, then one more column holds the search texts. A text
 * column is the UTF-16 code units of its values end to end with each value's end offset; a number
 * column is float64s. Every column has a null flag per row.
 */
import type { SqlType, SqlValue } from '../../../src-shared/fields/field-type';

export type BatchColumn =
  | { kind: 'number'; values: Float64Array; nulls: Uint8Array }
  | { kind: 'text'; chars: Uint16Array; ends: Uint32Array; nulls: Uint8Array };

export interface RowBatch {
  /** The fields the rows were projected over, in order: column k is field k's. */
  fieldIds: string[];
  createdAt: number;
  /** Autonumber of the first row; each next row has the next number. */
  firstAutonumber: number;
  count: number;
  /** One per field, then the search texts. */
  columns: BatchColumn[];
}

/** The first `n` elements: the array itself when that is all of it. */
function fit<A extends Uint8Array | Uint32Array | Float64Array>(a: A, n: number): A {
  return a.length === n ? a : (a.slice(0, n) as A);
}

class TextColumnBuilder {
  chars: Uint16Array;
  length = 0;
  readonly ends: Uint32Array;
  readonly nulls: Uint8Array;

  constructor(rows: number) {
    this.chars = new Uint16Array(Math.max(1024, rows * 16));
    this.ends = new Uint32Array(rows);
    this.nulls = new Uint8Array(rows);
  }

  add(row: number, s: string | null): void {
    if (s === null) this.nulls[row] = 1;
    else {
      if (this.length + s.length > this.chars.length) {
        let size = this.chars.length * 2;
        while (size < this.length + s.length) size *= 2;
        const next = new Uint16Array(size);
        next.set(this.chars.subarray(0, this.length));
        this.chars = next;
      }
      const chars = this.chars;
      const at = this.length;
      for (let i = 0; i < s.length; i++) chars[at + i] = s.charCodeAt(i);
      this.length = at + s.length;
    }
    this.ends[row] = this.length;
  }

  column(rows: number): BatchColumn {
    return { kind: 'text', chars: this.chars.slice(0, this.length), ends: fit(this.ends, rows), nulls: fit(this.nulls, rows) };
  }
}

class NumberColumnBuilder {
  readonly values: Float64Array;
  readonly nulls: Uint8Array;

  constructor(rows: number) {
    this.values = new Float64Array(rows);
    this.nulls = new Uint8Array(rows);
  }

  add(row: number, v: number | null): void {
    if (v === null) this.nulls[row] = 1;
    else this.values[row] = v;
  }

  column(rows: number): BatchColumn {
    return { kind: 'number', values: fit(this.values, rows), nulls: fit(this.nulls, rows) };
  }
}

/** Builds a RowBatch of at most `capacity` rows. */
export class RowBatchBuilder {
  private readonly fields: Array<TextColumnBuilder | NumberColumnBuilder>;
  private readonly texts: TextColumnBuilder;
  private rows = 0;

  constructor(
    private readonly fieldIds: string[],
    sqlTypes: readonly SqlType[],
    private readonly createdAt: number,
    private readonly firstAutonumber: number,
    private readonly capacity: number,
  ) {
    if (sqlTypes.length !== fieldIds.length) throw new Error('RowBatchBuilder: one SQL type per field');
    this.fields = sqlTypes.map((t) => (t === 'TEXT' ? new TextColumnBuilder(capacity) : new NumberColumnBuilder(capacity)));
    this.texts = new TextColumnBuilder(capacity);
  }

  get count(): number {
    return this.rows;
  }

  /** Adds a row: its SQL values in field order (`values[0 .. fields)`) and its search text. Checks the whole row before writing any of it. */
  add(values: readonly SqlValue[], text: string | null): void {
    if (this.rows === this.capacity) throw new Error('RowBatchBuilder: the batch is full');
    for (let k = 0; k < this.fields.length; k++) {
      const v = values[k] ?? null;
      if (v === null) continue;
      const isText = this.fields[k] instanceof TextColumnBuilder;
      if (isText && typeof v !== 'string') throw new Error(`RowBatchBuilder: field ${this.fieldIds[k]} projects ${typeof v} into a TEXT column`);
      if (!isText && typeof v !== 'number') throw new Error(`RowBatchBuilder: field ${this.fieldIds[k]} projects ${typeof v} into a numeric column`);
    }
    const row = this.rows;
    for (let k = 0; k < this.fields.length; k++) (this.fields[k] as { add(row: number, v: SqlValue): void }).add(row, values[k] ?? null);
    this.texts.add(row, text);
    this.rows++;
  }

  /** The batch, and the buffers to transfer with it. */
  finish(): { batch: RowBatch; transfer: ArrayBuffer[] } {
    const columns = [...this.fields.map((c) => c.column(this.rows)), this.texts.column(this.rows)];
    const transfer: ArrayBuffer[] = [];
    for (const c of columns) {
      transfer.push(c.nulls.buffer as ArrayBuffer);
      if (c.kind === 'text') transfer.push(c.chars.buffer as ArrayBuffer, c.ends.buffer as ArrayBuffer);
      else transfer.push(c.values.buffer as ArrayBuffer);
    }
    const batch: RowBatch = { fieldIds: this.fieldIds, createdAt: this.createdAt, firstAutonumber: this.firstAutonumber, count: this.rows, columns };
    return { batch, transfer };
  }
}

/** Code units → string, exactly (TextDecoder would replace lone surrogates). */
function charsToString(chars: Uint16Array): string {
  const CHUNK = 8192;
  let out = '';
  for (let i = 0; i < chars.length; i += CHUNK) out += String.fromCharCode.apply(null, chars.subarray(i, i + CHUNK) as unknown as number[]);
  return out;
}

type ColumnReader = (row: number) => SqlValue;

function columnReader(c: BatchColumn, count: number): ColumnReader {
  if (c.nulls.length !== count) throw new Error('RowBatch: a column has another row count than the batch');
  const nulls = c.nulls;
  if (c.kind === 'number') {
    if (c.values.length !== count) throw new Error('RowBatch: a column has another row count than the batch');
    const values = c.values;
    return (row) => (nulls[row] ? null : values[row]!);
  }
  if (c.ends.length !== count || (count > 0 && c.ends[count - 1]! > c.chars.length)) throw new Error('RowBatch: a text column is cut short');
  const all = charsToString(c.chars);
  const ends = c.ends;
  return (row) => (nulls[row] ? null : all.slice(row === 0 ? 0 : ends[row - 1]!, ends[row]!));
}

/** Reads a RowBatch back: each row's SQL values and search text. Checks the batch's shape first. */
export class RowBatchReader {
  private readonly fields: ColumnReader[];
  private readonly texts: ColumnReader;

  constructor(readonly batch: RowBatch) {
    if (batch.columns.length !== batch.fieldIds.length + 1) throw new Error('RowBatch: not one column per field and one for search text');
    this.fields = batch.columns.slice(0, -1).map((c) => columnReader(c, batch.count));
    this.texts = columnReader(batch.columns.at(-1)!, batch.count);
  }

  /** Writes row `row`'s SQL values into `out[at .. at + fields)`. */
  values(row: number, out: SqlValue[], at: number): void {
    for (let k = 0; k < this.fields.length; k++) out[at + k] = this.fields[k]!(row);
  }

  text(row: number): string | null {
    return this.texts(row) as string | null;
  }
}
