/**
 * RFC 4180 parser as a resumable state machine over decoded text chunks: a field, a quoted line
 * break or a CRLF may be split anywhere between chunks. It knows nothing of headers; it hands each
 * row with the file line it starts on to a sink.
 *
 * Rules: `""` inside quotes is a quote; delimiters and line breaks inside quotes are content; CRLF,
 * LF and CR end a line; an entirely empty line is skipped (no row); a quote inside an unquoted field
 * is kept literally; text after a closing quote (other than a delimiter or line end) is an error.
 *
 * Line numbers are 1-based lines of the file as a text editor counts them, so rows spanning several
 * lines (quoted line breaks) or following blank lines are named where they can be found.
 */
import { EngineError } from '../../../src-shared/errors';

export type CsvRowSink = (fields: string[], line: number) => void;

const QUOTE = 34;
const CR = 13;
const LF = 10;

/** Parser states (plain numbers: the hot loop switches on them). */
const State = {
  /** At the start of a line, before any field. */
  RowStart: 0,
  /** After a delimiter. */
  FieldStart: 1,
  Unquoted: 2,
  Quoted: 3,
  /** Just after a quote inside a quoted field: an escaped quote, the end of the field, or an error. */
  QuoteEnd: 4,
} as const;
type State = (typeof State)[keyof typeof State];

/** A quoted value longer than this is taken for a missing closing quote rather than read into memory. */
export const DEFAULT_MAX_FIELD_CHARS = 32 * 1024 * 1024;

export interface CsvParserOptions {
  maxFieldChars?: number;
  /** The header name of a column by its 0-based index, for error messages; none until a header is known. */
  columnName?: (index: number) => string | undefined;
  /** Line number of the first line pushed (a part of a file that starts further down). @default 1 */
  firstLine?: number;
}

export class CsvParser {
  private state: State = State.RowStart;
  private fields: string[] = [];
  /** The current field's text from earlier chunks (and escaped-quote segments). */
  private pending = '';
  private line = 1;
  private rowLine = 1;
  private quoteLine = 1;
  private prevChunkEndedWithCR = false;
  private readonly delim: number;
  private readonly maxFieldChars: number;
  columnName: (index: number) => string | undefined;

  constructor(
    delimiter: string,
    private readonly sink: CsvRowSink,
    options: CsvParserOptions = {},
  ) {
    if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\r' || delimiter === '\n') {
      throw new Error(`Invalid CSV delimiter ${JSON.stringify(delimiter)}`);
    }
    this.delim = delimiter.charCodeAt(0);
    this.maxFieldChars = options.maxFieldChars ?? DEFAULT_MAX_FIELD_CHARS;
    this.columnName = options.columnName ?? (() => undefined);
    this.line = this.rowLine = this.quoteLine = options.firstLine ?? 1;
  }

  /** True between rows: every row pushed so far is complete (none is open, nor a quoted value). */
  atRowStart(): boolean {
    return this.state === State.RowStart && this.fields.length === 0 && this.pending === '';
  }

  /** Line number of the next line. */
  get nextLine(): number {
    return this.line;
  }

  /** Parses the next chunk of text; completed rows go to the sink before this returns. */
  push(text: string): void {
    const n = text.length;
    const delim = this.delim;
    const sink = this.sink;
    let state: State = this.state;
    let line = this.line;
    let fields = this.fields;
    let pending = this.pending;
    let i = 0;
    // Start of the current segment of an unquoted or quoted field within this chunk.
    let start = 0;

    while (i < n) {
      switch (state) {
        case State.RowStart: {
          const c = text.charCodeAt(i);
          if (c === LF) {
            // The LF of a CRLF was counted with its CR.
            const afterCR = i > 0 ? text.charCodeAt(i - 1) === CR : this.prevChunkEndedWithCR;
            if (!afterCR) line++;
            i++;
          } else if (c === CR) {
            line++;
            i++;
          } else {
            this.rowLine = line;
            state = State.FieldStart;
          }
          break;
        }
        case State.FieldStart: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            this.quoteLine = line;
            state = State.Quoted;
            start = ++i;
          } else if (c === delim) {
            fields.push('');
            i++;
          } else if (c === CR || c === LF) {
            fields.push('');
            sink(fields, this.rowLine);
            fields = this.fields = [];
            line++;
            i++;
            state = State.RowStart;
          } else {
            state = State.Unquoted;
            start = i++;
          }
          break;
        }
        case State.Unquoted: {
          let c = 0;
          for (; i < n; i++) {
            c = text.charCodeAt(i);
            if (c === delim || c === CR || c === LF) break;
          }
          if (i === n) break;
          const value = text.slice(start, i);
          fields.push(pending === '' ? value : pending + value);
          pending = '';
          i++;
          if (c === delim) state = State.FieldStart;
          else {
            sink(fields, this.rowLine);
            fields = this.fields = [];
            line++;
            state = State.RowStart;
          }
          break;
        }
        case State.Quoted: {
          for (; i < n; i++) {
            const c = text.charCodeAt(i);
            if (c === QUOTE) break;
            if (c === CR) line++;
            else if (c === LF && (i > 0 ? text.charCodeAt(i - 1) !== CR : !this.prevChunkEndedWithCR)) line++;
          }
          if (i === n) break;
          pending += text.slice(start, i);
          i++;
          state = State.QuoteEnd;
          break;
        }
        case State.QuoteEnd: {
          const c = text.charCodeAt(i);
          if (c === QUOTE) {
            // Escaped quote: the second quote starts the next segment, so it is kept once.
            start = i++;
            state = State.Quoted;
          } else if (c === delim) {
            fields.push(pending);
            pending = '';
            i++;
            state = State.FieldStart;
          } else if (c === CR || c === LF) {
            fields.push(pending);
            pending = '';
            sink(fields, this.rowLine);
            fields = this.fields = [];
            line++;
            i++;
            state = State.RowStart;
          } else {
            this.line = line;
            this.fields = fields;
            throw this.error(line, 'unexpected text after a closing quote (a quote inside a quoted value must be doubled: "")');
          }
          break;
        }
      }
    }

    if (state === State.Unquoted || state === State.Quoted) {
      pending += text.slice(start, n);
      if (pending.length > this.maxFieldChars) {
        this.fields = fields;
        throw this.error(
          state === State.Quoted ? this.quoteLine : this.rowLine,
          `a value is longer than ${this.maxFieldChars} characters; a closing quote is probably missing`,
        );
      }
    }
    if (n > 0) this.prevChunkEndedWithCR = text.charCodeAt(n - 1) === CR;
    this.state = state;
    this.line = line;
    this.fields = fields;
    this.pending = pending;
  }

  /** Ends the input: a last line without a line break becomes a row; an open quote is an error. */
  end(): void {
    switch (this.state) {
      case State.RowStart:
        return;
      case State.Quoted:
        throw this.error(this.quoteLine, 'a quoted value starts here but has no closing quote (the file ends inside it)');
      case State.FieldStart:
      case State.Unquoted:
      case State.QuoteEnd:
        this.fields.push(this.pending);
        this.pending = '';
        this.endRow();
        this.state = State.RowStart;
        return;
    }
  }

  private endRow(): void {
    // Used by end(); push() inlines this.
    const fields = this.fields;
    this.fields = [];
    this.sink(fields, this.rowLine);
  }

  private error(row: number, what: string): EngineError {
    return csvError(row, this.fields.length, this.columnName(this.fields.length), what);
  }
}

/**
 * A CSV_MALFORMED error naming the row and the column: `row 7, column 'Title': …`, or `column 3`
 * when the column has no header name. details: `{ row, column, columnNumber }` (column: the header
 * name or null; columnNumber: 1-based).
 */
export function csvError(row: number, columnIndex: number, columnName: string | undefined, what: string): EngineError {
  const where = columnName === undefined ? `column ${columnIndex + 1}` : `column '${columnName}'`;
  return new EngineError('CSV_MALFORMED', `row ${row}, ${where}: ${what}`, {
    row,
    column: columnName ?? null,
    columnNumber: columnIndex + 1,
  });
}
