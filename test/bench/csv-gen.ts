/**
 * Deterministic CSV files for the benchmarks, and a plain reader that turns them back into typed
 * rows for the raw-SQLite baselines (independent of the engine's own CSV code).
 *
 * Every column has a kind that the engine's inference should pick: text, integer and decimal
 * numbers, ISO dates, a few repetitive categorical columns (≤ 50 distinct values: single select),
 * yes/no booleans (checkbox) and emails. Some text cells contain commas or quotes (quoted fields)
 * and some cells are empty. No field contains a line break, so the reader can go line by line.
 */
import fs from 'node:fs';
import readline from 'node:readline';

export type ColumnKind = 'text' | 'int' | 'decimal' | 'date' | 'select' | 'bool' | 'email';

export interface ColumnSpec {
  name: string;
  kind: ColumnKind;
  /** The cell text for row `r` ('' for empty). */
  gen: (rng: Rng, r: number) => string;
}

/** A typed value as the baseline stores it. */
export type SqlCell = string | number | null;

/** mulberry32: small, fast, seeded. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }
}

const WORDS = [
  'bolt', 'flange', 'bracket', 'housing', 'shaft', 'bearing', 'gasket', 'valve', 'pump', 'motor',
  'sensor', 'cable', 'panel', 'frame', 'cover', 'spring', 'washer', 'nut', 'clamp', 'hinge',
  'steel', 'aluminium', 'brass', 'nylon', 'rubber', 'coated', 'welded', 'machined', 'cast', 'rev',
];
const STATUS = ['Draft', 'In review', 'Approved', 'Released', 'Obsolete'];
const CATEGORY = ['Mechanical', 'Electrical', 'Hydraulic', 'Pneumatic', 'Fastener', 'Structural', 'Electronic', 'Optical', 'Thermal', 'Packaging', 'Tooling', 'Software'];
const REGION = ['North', 'South', 'East', 'West', 'Central', 'EMEA', 'APAC', 'LATAM'];
const FIRST = ['ana', 'ben', 'chen', 'dara', 'eli', 'fatma', 'goran', 'hana', 'ivan', 'jo', 'kai', 'lea', 'mo', 'nia', 'omar', 'pia'];
const DOMAINS = ['example.com', 'acme.test', 'factory.example.org', 'parts.example.net'];

const DAY_MS = 86_400_000;
const DATE0 = Date.UTC(2015, 0, 1);
/** An ISO date within ~10 years of 2015-01-01. */
const isoDate = (rng: Rng): string => new Date(DATE0 + rng.int(3650) * DAY_MS).toISOString().slice(0, 10);
const words = (rng: Rng, n: number): string => Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
/** CSV quoting for a field that may hold a comma or a quote. */
const quoted = (s: string): string => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const email = (rng: Rng, r: number): string => `${rng.pick(FIRST)}.${r % 997}@${rng.pick(DOMAINS)}`;
const maybeEmpty = (rng: Rng, p: number, s: () => string): string => (rng.next() < p ? '' : s());

const C = {
  name: { name: 'Name', kind: 'text', gen: (_g, r) => `PN-${100000 + r}` },
  description: {
    name: 'Description',
    kind: 'text',
    gen: (g) => quoted(g.next() < 0.2 ? `${words(g, 3)}, ${words(g, 2)}` : g.next() < 0.05 ? `${words(g, 2)} 3/4" ${words(g, 1)}` : words(g, 4)),
  },
  quantity: { name: 'Quantity', kind: 'int', gen: (g) => String(g.int(10_000)) },
  price: { name: 'Price', kind: 'decimal', gen: (g) => (g.int(10_000_00) / 100 + 0.01).toFixed(2) },
  weight: { name: 'Weight', kind: 'decimal', gen: (g) => maybeEmpty(g, 0.03, () => (g.int(500_000) / 1000 + 0.001).toFixed(3)) },
  created: { name: 'Created', kind: 'date', gen: (g) => isoDate(g) },
  due: { name: 'Due', kind: 'date', gen: (g) => maybeEmpty(g, 0.05, () => isoDate(g)) },
  status: { name: 'Status', kind: 'select', gen: (g) => g.pick(STATUS) },
  category: { name: 'Category', kind: 'select', gen: (g) => g.pick(CATEGORY) },
  region: { name: 'Region', kind: 'select', gen: (g) => g.pick(REGION) },
  active: { name: 'Active', kind: 'bool', gen: (g) => (g.next() < 0.7 ? 'yes' : 'no') },
  approved: { name: 'Approved', kind: 'bool', gen: (g) => (g.next() < 0.4 ? 'yes' : 'no') },
  email: { name: 'Email', kind: 'email', gen: (g, r) => email(g, r) },
  ownerEmail: { name: 'Owner email', kind: 'email', gen: (g, r) => maybeEmpty(g, 0.02, () => email(g, r * 7)) },
  score: { name: 'Score', kind: 'decimal', gen: (g) => ((g.int(20_001) - 10_000) / 10).toFixed(1) },
  code: { name: 'Code', kind: 'text', gen: (g) => `X-${String(g.int(1_000_000)).padStart(6, '0')}` },
  notes: { name: 'Notes', kind: 'text', gen: (g) => maybeEmpty(g, 0.3, () => quoted(words(g, 2 + g.int(8)))) },
  ratio: { name: 'Ratio', kind: 'decimal', gen: (g) => (g.next() * 100).toFixed(4) },
  shipped: { name: 'Shipped', kind: 'date', gen: (g) => maybeEmpty(g, 0.4, () => isoDate(g)) },
  vendor: { name: 'Vendor', kind: 'text', gen: (g) => `Vendor ${g.int(400)}` },
} satisfies Record<string, ColumnSpec>;

/** 20 columns: 7 text-ish, 5 numbers, 3 dates, 3 selects, 2 booleans, 2 emails (text counts Name, Description, Code, Notes, Vendor). */
export const COLUMNS_20: readonly ColumnSpec[] = [
  C.name, C.description, C.quantity, C.price, C.weight, C.created, C.due, C.status, C.category, C.region,
  C.active, C.approved, C.email, C.ownerEmail, C.score, C.code, C.notes, C.ratio, C.shipped, C.vendor,
];

/** 10 columns: text, two numbers, a date, two selects, a boolean, an email, a decimal, free text. */
export const COLUMNS_10: readonly ColumnSpec[] = [C.name, C.quantity, C.price, C.created, C.status, C.region, C.active, C.email, C.score, C.notes];

/** Writes `rows` rows of `columns` (plus a header) to `file`; returns its size in bytes. */
export function writeCsv(file: string, columns: readonly ColumnSpec[], rows: number, seed = 42): number {
  const rng = new Rng(seed);
  const fd = fs.openSync(file, 'w');
  try {
    let chunk = columns.map((c) => quoted(c.name)).join(',') + '\n';
    for (let r = 0; r < rows; r++) {
      let line = '';
      for (let c = 0; c < columns.length; c++) line += (c === 0 ? '' : ',') + columns[c]!.gen(rng, r);
      chunk += line + '\n';
      if (chunk.length > 1 << 20) {
        fs.writeSync(fd, chunk);
        chunk = '';
      }
    }
    fs.writeSync(fd, chunk);
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside fields). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    if (line.charCodeAt(i) === 34) {
      let s = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q < 0) throw new Error(`Unterminated quote in: ${line.slice(0, 80)}`);
        s += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          s += '"';
          j = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      out.push(s);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      out.push(line.slice(i, end));
      i = end;
    }
    if (i >= line.length) return out;
    i++; // the comma
    if (i === line.length) {
      out.push('');
      return out;
    }
  }
}

/** The text of a cell as the baseline stores it: numbers as numbers, yes/no as 1/0, '' as NULL. */
export function toSqlCell(kind: ColumnKind, text: string): SqlCell {
  if (text === '') return null;
  switch (kind) {
    case 'int':
    case 'decimal':
      return Number(text);
    case 'bool':
      return text === 'yes' ? 1 : 0;
    default:
      return text;
  }
}

export const sqlTypeOf = (kind: ColumnKind): string => (kind === 'int' ? 'INTEGER' : kind === 'decimal' ? 'REAL' : kind === 'bool' ? 'INTEGER' : 'TEXT');

/** Reads a file written by writeCsv back as typed rows, `batch` rows at a time. */
export async function* readTypedRows(file: string, columns: readonly ColumnSpec[], batch = 10_000): AsyncGenerator<SqlCell[][]> {
  const lines = readline.createInterface({ input: fs.createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 }), crlfDelay: Infinity });
  let header = true;
  let rows: SqlCell[][] = [];
  for await (const line of lines) {
    if (header) {
      header = false;
      continue;
    }
    if (line === '') continue;
    const cells = splitCsvLine(line);
    if (cells.length !== columns.length) throw new Error(`Expected ${columns.length} cells, got ${cells.length}: ${line.slice(0, 80)}`);
    rows.push(cells.map((t, i) => toSqlCell(columns[i]!.kind, t)));
    if (rows.length >= batch) {
      yield rows;
      rows = [];
    }
  }
  if (rows.length > 0) yield rows;
}
