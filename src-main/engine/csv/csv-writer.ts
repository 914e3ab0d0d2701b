/**
 * CSV writing: RFC 4180 with CRLF line ends, UTF-8 (optionally with a BOM, which Excel needs to
 * read UTF-8), streamed to any Writable with backpressure. What the reader reads back is exactly
 * what was written.
 */
import fs from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { CsvDelimiter } from './csv-delimiter';

export type CsvCell = string | null | undefined;

const NEEDS_QUOTES = new Map<string, RegExp>();

function needsQuotes(delimiter: string): RegExp {
  let re = NEEDS_QUOTES.get(delimiter);
  if (!re) {
    const d = delimiter.replace(/[\\\]^-]/g, '\\$&');
    // Leading/trailing spaces are quoted so that tools trimming unquoted fields keep them.
    re = new RegExp(`["\\r\\n${d}]|^[ \\t]|[ \\t]$`);
    NEEDS_QUOTES.set(delimiter, re);
  }
  return re;
}

/** One field as CSV text: quoted (with `""` escapes) when it holds the delimiter, a quote, CR or LF, or starts or ends with a space. */
export function csvEscape(value: string, delimiter: string = ','): string {
  if (value === '' || !needsQuotes(delimiter).test(value)) return value;
  return `"${value.replaceAll('"', '""')}"`;
}

/** One row as CSV text with its CRLF. A row of a single empty field is written `""` so that it is not read back as a blank line. */
export function csvRow(values: readonly CsvCell[], delimiter: string = ','): string {
  if (values.length === 1 && !values[0]) return '""\r\n';
  let line = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += delimiter;
    const value = values[i];
    if (value) line += csvEscape(value, delimiter);
  }
  return line + '\r\n';
}

export interface CsvWriterOptions {
  /** @default ',' */
  delimiter?: CsvDelimiter;
  /** Start with a UTF-8 BOM (Excel reads UTF-8 correctly only with one). @default false */
  bom?: boolean;
}

/** Text is gathered up to this size before a write to the stream. */
const FLUSH_CHARS = 64 * 1024;

/**
 * Streams rows to a Writable. Writes wait for 'drain' when the stream's buffer is full, so a slow
 * disk or pipe holds the producer back instead of filling memory. A stream error fails the next
 * write (or flush/end) with that error.
 */
export class CsvWriter {
  private readonly delimiter: CsvDelimiter;
  private buffer: string;
  private failure: Error | null = null;
  private ended = false;
  private readonly onError = (error: Error): void => {
    this.failure ??= error;
  };

  constructor(
    private readonly out: Writable,
    options: CsvWriterOptions = {},
  ) {
    this.delimiter = options.delimiter ?? ',';
    this.buffer = options.bom ? '\uFEFF' : '';
    out.on('error', this.onError);
  }

  async writeRow(values: readonly CsvCell[]): Promise<void> {
    this.buffer += csvRow(values, this.delimiter);
    if (this.buffer.length >= FLUSH_CHARS) await this.flush();
  }

  async writeRows(rows: ReadonlyArray<readonly CsvCell[]>): Promise<void> {
    for (const row of rows) {
      this.buffer += csvRow(row, this.delimiter);
      if (this.buffer.length >= FLUSH_CHARS) await this.flush();
    }
  }

  /** Hands buffered text to the stream and waits until it accepts more. For stdout, call this instead of end(). */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.ended) throw new Error('CsvWriter: write after end');
    if (this.buffer === '') return;
    const text = this.buffer;
    this.buffer = '';
    if (!this.out.write(text, 'utf8')) await once(this.out, 'drain');
    if (this.failure) throw this.failure;
  }

  /** Flushes, ends the stream and waits until everything is written (the file is closed). */
  async end(): Promise<void> {
    await this.flush();
    this.ended = true;
    // A file is done when its descriptor is closed; other streams when they finish.
    const finished = once(this.out, this.out instanceof fs.WriteStream ? 'close' : 'finish');
    this.out.end();
    await finished;
    this.out.off('error', this.onError);
    if (this.failure) throw this.failure;
  }
}

/** A writer to a new file (an existing file is replaced). Call end() to close it. */
export function createCsvFileWriter(path: string, options: CsvWriterOptions = {}): CsvWriter {
  return new CsvWriter(fs.createWriteStream(path), options);
}
