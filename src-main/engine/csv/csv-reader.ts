/**
 * Streaming CSV reader: the file is read in chunks (never whole), decoded, parsed and handed out in
 * batches of rows. Opening reads just enough to know the encoding, the delimiter and the header.
 *
 * Row numbers are file line numbers (header = row 1 when the file starts with it): what a text
 * editor shows, and the same as the spreadsheet row for files without blank lines or quoted line
 * breaks. Each batch carries the number of every row so an importer can name the row of a bad value.
 */
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import { EngineError } from '../../../src-shared/errors';
import { type CsvEncoding, CsvDecoder, ENCODING_SAMPLE_BYTES, bomLengthFor, detectEncoding } from './csv-encoding';
import { type CsvDelimiter, DELIMITER_SAMPLE_CHARS, detectDelimiter } from './csv-delimiter';
import { CsvParser } from './csv-parser';
import { normalizeHeader } from './csv-header';

export interface CsvReadOptions {
  /** Default: detected from the first 64 KB of text. */
  delimiter?: CsvDelimiter;
  /** Default: detected from the first bytes. A BOM matching the given encoding is still skipped. */
  encoding?: CsvEncoding;
  /** Aborting fails the read with CANCELLED and closes the file. */
  signal?: AbortSignal;
  /** Called after each chunk read; bytesRead counts from the start of the file. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
  /** Rows per batch (the last may be shorter). @default 1000 */
  batchSize?: number;
  /** Bytes read per chunk; small values are for tests. @default 256 KiB */
  chunkSize?: number;
  /**
   * Reads a part of the file from this byte offset, which must be the start of a line: there is no
   * header row to read, so `header`, `encoding` and `delimiter` must be given (those of the whole
   * file). Encodings where a line feed is one 0x0A byte only (not UTF-16).
   */
  start?: number;
  /** The file's header, for a part that starts after it. */
  header?: string[];
  /** Line number of the part's first line (row numbers in batches and errors). @default 1 */
  firstLine?: number;
  /** Reads no byte at or after this offset, from the start (see `CsvReader.stopAt`). */
  end?: number;
}

/** How reading a part that ends before the end of the file (see `CsvReader.stopAt`) ended. */
export interface CsvPartEnd {
  /** False when the part's end cut a row (a line break inside a quoted value): its last row was left out. */
  complete: boolean;
  /** Line number of the line after the part. */
  nextLine: number;
  /** Data rows read. */
  rows: number;
}

export interface CsvBatch {
  /** Row number (file line, header = 1) of rows[0]. */
  firstRow: number;
  /** Each row has exactly header.length fields. */
  rows: string[][];
  /** Row number of each row, parallel to rows (rows may skip numbers: blank lines, quoted line breaks). */
  rowNumbers: number[];
}

export interface CsvReader {
  readonly encoding: CsvEncoding;
  readonly delimiter: CsvDelimiter;
  /** Field names: trimmed, empty ones named `Field N`, duplicates suffixed ` (2)`. */
  readonly header: string[];
  /** The header as written in the file. */
  readonly rawHeader: string[];
  readonly totalBytes: number;
  /** The data rows, in order. Call once. Errors (CSV_MALFORMED, CSV_ENCODING, CANCELLED) are thrown after the batches before them. */
  batches(): AsyncGenerator<CsvBatch, void, undefined>;
  /** Closes the file; needed only when batches() is not run to its end. */
  close(): Promise<void>;
  /**
   * Reads no byte at or after `offset` (at least the bytes read so far): the part ends there, and
   * a row it cuts is not an error but makes `partEnd().complete` false.
   */
  stopAt(offset: number): void;
  /** After batches() ran to its end: how the part ended. */
  partEnd(): CsvPartEnd;
}

export interface CsvPreview {
  encoding: CsvEncoding;
  delimiter: CsvDelimiter;
  header: string[];
  rows: string[][];
  rowNumbers: number[];
}

const DEFAULT_BATCH_SIZE = 1000;
const DEFAULT_CHUNK_SIZE = 256 * 1024;

export async function openCsv(path: string, opts: CsvReadOptions = {}): Promise<CsvReader> {
  const session = new CsvReadSession(path, opts);
  try {
    await session.open();
  } catch (error) {
    await session.close();
    throw error;
  }
  return session;
}

/** The header and up to maxRows first data rows; the rest of the file is not read. */
export async function readCsvPreview(path: string, maxRows: number, opts: Omit<CsvReadOptions, 'batchSize'> = {}): Promise<CsvPreview> {
  const reader = await openCsv(path, { ...opts, batchSize: Math.max(1, maxRows) });
  try {
    let rows: string[][] = [];
    let rowNumbers: number[] = [];
    if (maxRows > 0) {
      for await (const batch of reader.batches()) {
        rows = batch.rows;
        rowNumbers = batch.rowNumbers;
        break;
      }
    }
    return { encoding: reader.encoding, delimiter: reader.delimiter, header: reader.header, rows, rowNumbers };
  } finally {
    await reader.close();
  }
}

class CsvReadSession implements CsvReader {
  encoding: CsvEncoding = 'utf-8';
  delimiter: CsvDelimiter = ',';
  header: string[] = [];
  rawHeader: string[] = [];
  totalBytes = 0;

  private readonly batchSize: number;
  private readonly chunkSize: number;
  private stream: Readable | null = null;
  private chunks: AsyncIterator<Buffer> | null = null;
  private decoder: CsvDecoder | null = null;
  private parser: CsvParser | null = null;
  private bytesRead = 0;
  private eof = false;
  private headerRead = false;
  private started = false;
  /** Completed batches not yet handed out, then the error that stopped parsing, if any. */
  private readonly ready: CsvBatch[] = [];
  private failure: unknown = null;
  private rows: string[][] = [];
  private rowNumbers: number[] = [];
  private rowCount = 0;
  /** Byte offset reading stops at (stopAt), and whether it stopped there before the end of the file. */
  private limit: number | null = null;
  private cut = false;
  private complete = true;
  private readonly onAbort = (): void => {
    this.stream?.destroy(cancelled());
  };

  constructor(
    private readonly path: string,
    private readonly opts: CsvReadOptions,
  ) {
    this.batchSize = Math.max(1, Math.floor(opts.batchSize ?? DEFAULT_BATCH_SIZE));
    this.limit = opts.end ?? null;
    this.chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK_SIZE));
  }

  async open(): Promise<void> {
    this.throwIfAborted();
    if (this.opts.start !== undefined && this.opts.start > 0) return this.openPart(this.opts.start);
    const sample = await readSample(this.path);
    this.totalBytes = sample.totalBytes;
    const detected = this.opts.encoding
      ? bomLengthFor(this.opts.encoding, sample.bytes)
      : detectEncoding(sample.bytes, sample.bytes.length >= sample.totalBytes);
    this.encoding = detected.encoding;
    this.bytesRead = detected.bomLength;
    this.decoder = new CsvDecoder(detected.encoding, detected.bomLength);

    this.stream = fs.createReadStream(this.path, { start: detected.bomLength, highWaterMark: this.chunkSize });
    this.chunks = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });

    // Enough text to choose the delimiter (kept in its chunks, so the parser sees the same boundaries
    // whatever the file size), then parse until the header row is complete.
    const texts: string[] = [];
    if (!this.opts.delimiter) {
      let length = 0;
      while (length < DELIMITER_SAMPLE_CHARS) {
        const next = await this.readText();
        if (next === null) break;
        texts.push(next);
        length += next.length;
      }
    }
    this.delimiter = this.opts.delimiter ?? detectDelimiter(texts.join(''), this.eof);
    this.parser = new CsvParser(this.delimiter, (fields, line) => this.onRow(fields, line), {
      columnName: (index) => (this.headerRead ? this.header[index] : undefined),
      ...(this.opts.firstLine !== undefined ? { firstLine: this.opts.firstLine } : {}),
    });
    for (const text of texts) this.parse(text);
    while (!this.headerRead && !this.eof && !this.failure) this.parse(await this.readText());
    if (this.eof) this.finish();
    if (!this.headerRead) {
      if (this.failure) throw this.failure;
      throw new EngineError('CSV_MALFORMED', 'The file is empty: a CSV file needs a header row naming its columns', {
        row: 1,
        column: null,
      });
    }
  }

  /** A part starting mid-file: no header row, encoding and delimiter as given. */
  private async openPart(start: number): Promise<void> {
    const { encoding, delimiter, header } = this.opts;
    if (!encoding || !delimiter || !header) throw new Error('openCsv: a part starting mid-file needs the file\'s encoding, delimiter and header');
    if (encoding === 'utf-16le' || encoding === 'utf-16be') throw new Error('openCsv: a UTF-16 file cannot be read from mid-file');
    try {
      this.totalBytes = (await fs.promises.stat(this.path)).size;
    } catch (error) {
      throw readError(this.path, error);
    }
    this.encoding = encoding;
    this.delimiter = delimiter;
    this.header = header;
    this.rawHeader = header;
    this.headerRead = true;
    this.bytesRead = start;
    this.decoder = new CsvDecoder(encoding, start);
    this.stream = fs.createReadStream(this.path, { start, highWaterMark: this.chunkSize });
    this.chunks = this.stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
    this.opts.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.parser = new CsvParser(delimiter, (fields, line) => this.onRow(fields, line), {
      columnName: (index) => this.header[index],
      firstLine: this.opts.firstLine ?? 1,
    });
  }

  stopAt(offset: number): void {
    if (offset < this.bytesRead) throw new Error(`CsvReader.stopAt(${offset}): ${this.bytesRead} bytes are read already`);
    this.limit = offset;
  }

  partEnd(): CsvPartEnd {
    return { complete: this.complete, nextLine: (this.parser as CsvParser).nextLine, rows: this.rowCount };
  }

  async *batches(): AsyncGenerator<CsvBatch, void, undefined> {
    if (this.started) throw new Error('CsvReader.batches() may be called only once');
    this.started = true;
    try {
      for (;;) {
        while (this.ready.length > 0) {
          this.throwIfAborted();
          yield this.ready.shift() as CsvBatch;
        }
        if (this.failure) throw this.failure;
        if (this.eof) return;
        await this.advance();
      }
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    this.opts.signal?.removeEventListener('abort', this.onAbort);
    const stream = this.stream;
    if (!stream || stream.closed) return;
    await new Promise<void>((resolve) => {
      stream.once('close', () => resolve());
      if (!stream.destroyed) stream.destroy();
    });
  }

  /** Reads and parses one more chunk. Failures other than cancellation are kept for after the rows before them. */
  private async advance(): Promise<void> {
    let text: string | null;
    try {
      text = await this.readText();
    } catch (error) {
      if (error instanceof EngineError && error.code === 'CANCELLED') throw error;
      this.fail(error);
      return;
    }
    this.parse(text);
    if (this.eof) this.finish();
  }

  /** The next decoded chunk, or null at the end of the file (after flushing the decoder). */
  private async readText(): Promise<string | null> {
    if (this.eof) return null;
    this.throwIfAborted();
    if (this.limit !== null && this.bytesRead >= this.limit) {
      this.eof = true;
      this.cut = this.limit < this.totalBytes;
      this.stream?.destroy();
      return (this.decoder as CsvDecoder).end();
    }
    let result: IteratorResult<Buffer>;
    try {
      result = await (this.chunks as AsyncIterator<Buffer>).next();
    } catch (error) {
      this.throwIfAborted();
      throw readError(this.path, error);
    }
    this.throwIfAborted();
    const decoder = this.decoder as CsvDecoder;
    if (result.done) {
      this.eof = true;
      return decoder.end();
    }
    let chunk = result.value;
    if (this.limit !== null && this.bytesRead + chunk.length > this.limit) chunk = chunk.subarray(0, this.limit - this.bytesRead);
    this.bytesRead += chunk.length;
    const text = decoder.decode(chunk);
    this.opts.onProgress?.(this.bytesRead, this.totalBytes);
    return text;
  }

  /** Parses text; a malformed row keeps the rows before it and is thrown after them. */
  private parse(text: string | null): void {
    if (text === null || text === '' || this.failure) return;
    try {
      (this.parser as CsvParser).push(text);
    } catch (error) {
      this.fail(error);
    }
  }

  private finish(): void {
    if (this.failure) return;
    if (this.cut && !(this.parser as CsvParser).atRowStart()) {
      // The part ends inside a row (a quoted line break at the cut): not an error of the file.
      this.complete = false;
      this.flushBatch();
      return;
    }
    try {
      (this.parser as CsvParser).end();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.flushBatch();
  }

  private fail(error: unknown): void {
    this.flushBatch();
    this.failure = error;
  }

  private onRow(fields: string[], line: number): void {
    if (!this.headerRead) {
      this.rawHeader = fields;
      this.header = normalizeHeader(fields);
      this.headerRead = true;
      return;
    }
    const expected = this.header.length;
    if (fields.length !== expected) {
      // A line holding only "" is a blank line to people, unless the file has one column.
      if (fields.length === 1 && fields[0] === '') return;
      throw this.fieldCountError(fields.length, line);
    }
    this.rows.push(fields);
    this.rowNumbers.push(line);
    this.rowCount++;
    if (this.rows.length >= this.batchSize) this.flushBatch();
  }

  private fieldCountError(count: number, line: number): EngineError {
    const expected = this.header.length;
    const sep = this.delimiter === '\t' ? 'a tab' : `'${this.delimiter}'`;
    const head = `row ${line} has ${count} field${count === 1 ? '' : 's'} but the header has ${expected}`;
    const columnIndex = count < expected ? count : expected - 1;
    const column = this.header[columnIndex] as string;
    const hint =
      count < expected
        ? `no value for column '${column}'; a value containing a line break must be in double quotes`
        : `extra value after column '${column}'; a value containing ${sep} must be in double quotes`;
    return new EngineError('CSV_MALFORMED', `${head} (${hint})`, {
      row: line,
      column,
      columnNumber: columnIndex + 1,
      fields: count,
      expected,
    });
  }

  private flushBatch(): void {
    if (this.rows.length === 0) return;
    const rowNumbers = this.rowNumbers;
    this.ready.push({ firstRow: rowNumbers[0] as number, rows: this.rows, rowNumbers });
    this.rows = [];
    this.rowNumbers = [];
  }

  private throwIfAborted(): void {
    if (this.opts.signal?.aborted) throw cancelled();
  }
}

function cancelled(): EngineError {
  return new EngineError('CANCELLED', 'Reading the CSV file was cancelled');
}

async function readSample(path: string): Promise<{ bytes: Uint8Array; totalBytes: number }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(path, 'r');
  } catch (error) {
    throw readError(path, error);
  }
  try {
    const { size } = await handle.stat();
    const bytes = new Uint8Array(Math.min(size, ENCODING_SAMPLE_BYTES));
    let filled = 0;
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return { bytes: bytes.subarray(0, filled), totalBytes: size };
  } finally {
    await handle.close();
  }
}

function readError(path: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new EngineError('FILE_NOT_FOUND', `File not found: ${path}`, { path });
  if (code === 'EISDIR') return new EngineError('INVALID_INPUT', `Not a file but a folder: ${path}`, { path });
  if (code === 'EACCES' || code === 'EPERM') return new EngineError('INVALID_INPUT', `No permission to read ${path}`, { path });
  return error;
}
