/**
 * The engine suite (`npm run bench -- engine`): CSV import speed and memory, reopening a base,
 * paging a sorted and filtered view, single-cell edit latency and idle heap. Figures and what they
 * mean: README.md in this folder.
 *
 * Files and bases are made once per run in a temp folder and shared between figures where that
 * does not change what is measured: the 100k base imported for `import_100k_x20` is the one
 * reopened, edited and measured idle; the 1M base imported for the peak-RSS figure is the one
 * paged by `query_page_1m`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { Engine } from '../../src-main/engine/engine';
import type { BaseInfo, QueryPage, RecordOut, ViewSchema } from '../../src-shared/api/engine.dto';
import type { FieldType, TableSchema } from '../../src-shared/schema/schema.types';
import { call, emit, log, makeTempDir, median, percentile, runChild } from './bench-util';
import { buildDesktop } from '../build-desktop';
import type { TempDir } from './bench-util';
import { COLUMNS_10, COLUMNS_20, Rng, readTypedRows, sqlTypeOf, writeCsv } from './csv-gen';
import type { ColumnKind, ColumnSpec, SqlCell } from './csv-gen';
import type { IdleChildResult, ImportChildResult, ReopenChildResult } from './engine-child';

const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TABLE = 'Parts';
/** The saved view every page figure goes through: a number filter and a date sort. */
const VIEW_FILTER = { and: [{ field: 'Quantity', op: '>', value: 5000 }] };
const VIEW_SORTS = [{ field: 'Created', direction: 'asc' }];
const FILTER_COLUMN = 'Quantity';
const FILTER_VALUE = 5000;
const SORT_COLUMN = 'Created';

const BASELINE_IMPORT_RUNS = 3;
const IMPORT_RUNS = 3;
const REOPEN_RUNS = 3;
const EDIT_WARMUP = 300;
const EDITS = 1000;
const IDLE_EDITS = 20;
const QUERY_RUNS = 7;
const QUERY_OFFSET = 50_000;

/** The field type the engine's inference should choose for each generated column kind. */
const EXPECTED_TYPE: Record<ColumnKind, FieldType> = {
  text: 'singleLineText',
  int: 'number',
  decimal: 'number',
  date: 'date',
  select: 'singleSelect',
  bool: 'checkbox',
  email: 'email',
};

const seconds = (since: number): number => (performance.now() - since) / 1000;

export async function runEngineBench(): Promise<void> {
  const started = performance.now();
  const tmp = makeTempDir();
  const desktop = path.join(ROOT, 'out', `bench-desktop-${process.pid}`);
  const cleanup = (): void => {
    tmp.remove();
    fs.rmSync(desktop, { recursive: true, force: true });
  };
  process.once('SIGINT', () => {
    cleanup();
    process.exit(130);
  });
  try {
    // The app runs its engine's worker threads from built files; started from TypeScript through
    // tsx instead, each would first compile its sources (about 0.2 s of CPU here, competing with
    // the import). So the children start them from a build made now, inside the project (the
    // bundle loads its dependencies from node_modules, as the packaged app does from its own).
    let t = performance.now();
    await buildDesktop(desktop);
    process.env.BASEPLATE_BUILT_WORKERS = path.join(desktop, 'main');
    log(`built the desktop bundle in ${seconds(t).toFixed(1)} s; engine children start their workers from it`);

    const csv100k = tmp.file('parts-100k-x20.csv');
    t = performance.now();
    const size100k = writeCsv(csv100k, COLUMNS_20, 100_000, 42);
    log(`generated 100k × 20 CSV (${(size100k / 1e6).toFixed(1)} MB) in ${seconds(t).toFixed(1)} s`);

    const base100k = tmp.file('parts-100k.base');
    const view100k = await import100k(tmp, csv100k, base100k);
    await reopenFirstPage(base100k, view100k);
    await edits(base100k);
    await idleHeap(base100k, view100k);

    const csv1m = tmp.file('parts-1m-x10.csv');
    t = performance.now();
    const size1m = writeCsv(csv1m, COLUMNS_10, 1_000_000, 43);
    log(`generated 1M × 10 CSV (${(size1m / 1e6).toFixed(1)} MB) in ${seconds(t).toFixed(1)} s`);
    const base1m = tmp.file('parts-1m.base');
    await import1m(csv1m, base1m);
    await queryPage1m(tmp, csv1m, base1m);
  } finally {
    delete process.env.BASEPLATE_BUILT_WORKERS;
    cleanup();
    log(`engine suite done in ${seconds(started).toFixed(0)} s`);
  }
}

/** Plain better-sqlite3: a table with one typed column per CSV column and one index. */
function createPlainTable(db: Database.Database, columns: readonly ColumnSpec[], indexed: string): Database.Statement {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const cols = columns.map((c, i) => `c${i} ${sqlTypeOf(c.kind)}`).join(', ');
  db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, ${cols})`);
  const at = columns.findIndex((c) => c.name === indexed);
  db.exec(`CREATE INDEX t_c${at} ON t (c${at})`);
  return db.prepare(`INSERT INTO t (${columns.map((_, i) => `c${i}`).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
}

function checkInferredTypes(table: TableSchema, columns: readonly ColumnSpec[]): void {
  const wrong = columns.filter((c, i) => table.fields[i]?.type !== EXPECTED_TYPE[c.kind]);
  const summary = table.fields.map((f) => `${f.name}:${f.type}`).join(', ');
  if (wrong.length > 0) log(`WARNING: inferred types differ from the generated kinds (${wrong.map((c) => c.name).join(', ')}): ${summary}`);
  else log(`inferred types as generated: ${summary}`);
}

async function import100k(tmp: TempDir, csv: string, basePath: string): Promise<string> {
  // Baseline: the same rows, parsed and typed beforehand (not timed), inserted in one transaction.
  let rows: SqlCell[][] = [];
  for await (const batch of readTypedRows(csv, COLUMNS_20)) rows = rows.concat(batch);
  // It is short, so it runs three times (a fresh file each) and the median counts.
  const runs: number[] = [];
  let t = performance.now();
  for (let i = 0; i < BASELINE_IMPORT_RUNS; i++) {
    const file = tmp.file(`plain-100k-${i}.sqlite`);
    const db = new Database(file);
    const insert = createPlainTable(db, COLUMNS_20, SORT_COLUMN);
    t = performance.now();
    db.transaction(() => {
      for (const row of rows) insert.run(row);
    })();
    runs.push(seconds(t));
    db.close();
    for (const f of [file, `${file}-wal`, `${file}-shm`]) fs.rmSync(f, { force: true });
  }
  const baseline = median(runs);
  log(`baseline: ${rows.length} rows inserted into plain SQLite in ${runs.map((x) => x.toFixed(2)).join(', ')} s`);
  rows = [];

  // The import runs in a fresh process, as a user's engine would: nothing left over from the
  // baseline's rows in its heap. Its time covers base.create + csv.import, up to the moment every
  // row is committed and queryable.
  // Like the baseline it runs three times (a new base each; the last is the one measured further)
  // and the median counts.
  const imports: ImportChildResult[] = [];
  for (let i = 0; i < IMPORT_RUNS; i++) {
    const target = i === IMPORT_RUNS - 1 ? basePath : tmp.file(`parts-100k-run${i}.base`);
    const run = await runChild<ImportChildResult>(CHILD, ['import', csv, target, TABLE]);
    if (run.result.imported !== 100_000) throw new Error(`imported ${run.result.imported} rows, expected 100000`);
    imports.push(run.result);
    log(`100k import #${i + 1}: ${run.result.seconds.toFixed(2)} s, close (search index, checkpoint) ${run.result.closeSeconds.toFixed(2)} s, peak RSS ${run.result.maxRssMb.toFixed(0)} MB`);
    if (target !== basePath) for (const f of [target, `${target}-wal`, `${target}-shm`]) fs.rmSync(f, { force: true });
  }
  emit({ name: 'import_100k_x20', value: median(imports.map((r) => r.seconds)), unit: 's', baseline });
  // The search index is finished after the import returns (in the background); closing the engine
  // finishes it at once (and checkpoints), so import + close bounds the time to a complete index.
  emit({ name: 'import_100k_x20_search_ready', value: median(imports.map((r) => r.seconds + r.closeSeconds)), unit: 's', baseline });

  const engine = new Engine();
  try {
    const info = await call<BaseInfo>(engine, 'base.open', { path: basePath });
    const table = info.schema.tables.find((x) => x.name === TABLE);
    if (!table) throw new Error(`no table ${TABLE} after the import`);
    checkInferredTypes(table, COLUMNS_20);
    t = performance.now();
    const view = await call<ViewSchema>(engine, 'view.create', { base: info.base, table: TABLE, name: 'Bench view', filter: VIEW_FILTER, sorts: VIEW_SORTS });
    log(`view.create (indexes on ${FILTER_COLUMN}, ${SORT_COLUMN}) on 100k rows: ${seconds(t).toFixed(2)} s`);
    const page = await call<QueryPage>(engine, 'records.query', { base: info.base, table: TABLE, view: view.id, limit: 100 });
    log(`view first page: ${page.records.length} of ${page.total} records`);
    return view.id;
  } finally {
    engine.close();
  }
}

async function reopenFirstPage(basePath: string, view: string): Promise<void> {
  const inside: number[] = [];
  const wall: number[] = [];
  for (let i = 0; i < REOPEN_RUNS; i++) {
    const run = await runChild<ReopenChildResult>(CHILD, ['reopen', basePath, TABLE, view]);
    if (run.result.rows !== 100) throw new Error(`reopen: got ${run.result.rows} rows`);
    inside.push(run.result.ms);
    wall.push(run.wallMs);
    log(`reopen #${i + 1}: open ${run.result.openMs.toFixed(1)} ms, open + first page ${run.result.ms.toFixed(1)} ms, process ${run.wallMs.toFixed(0)} ms`);
  }
  emit({ name: 'reopen_first_page_100k', value: median(inside), unit: 'ms' });
  emit({ name: 'reopen_first_page_100k_process', value: median(wall), unit: 'ms' });
}

async function allRecordIds(engine: Engine, base: string): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 10_000) {
    const page = await call<QueryPage>(engine, 'records.query', { base, table: TABLE, offset, limit: 10_000 });
    ids.push(...page.records.map((r) => r.id));
    if (page.records.length < 10_000) return ids;
  }
}

async function edits(basePath: string): Promise<void> {
  const engine = new Engine();
  try {
    const { base } = await call<BaseInfo>(engine, 'base.open', { path: basePath });
    const ids = await allRecordIds(engine, base);
    const rng = new Rng(11);
    const last = new Map<string, { field: string; value: string | number }>();
    const edit = async (i: number): Promise<number> => {
      const id = ids[rng.int(ids.length)]!;
      const field = i % 2 === 0 ? 'Quantity' : 'Notes';
      const value = field === 'Quantity' ? rng.int(10_000) : `edited ${i} ${rng.int(1e9)}`;
      const t = performance.now();
      await call(engine, 'records.update', { base, table: TABLE, updates: [{ id, fields: { [field]: value } }] });
      const ms = performance.now() - t;
      last.set(`${id}/${field}`, { field, value });
      return ms;
    };
    let t = performance.now();
    for (let i = 0; i < EDIT_WARMUP; i++) await edit(i);
    log(`${EDIT_WARMUP} warm-up edits in ${seconds(t).toFixed(1)} s`);
    const times: number[] = [];
    t = performance.now();
    for (let i = 0; i < EDITS; i++) times.push(await edit(EDIT_WARMUP + i));
    log(`${EDITS} edits in ${seconds(t).toFixed(1)} s; max ${Math.max(...times).toFixed(1)} ms`);
    emit({ name: 'edit_p50', value: percentile(times, 50), unit: 'ms' });
    emit({ name: 'edit_p99', value: percentile(times, 99), unit: 'ms' });

    // Each edit was committed and projected: reads (projection only, read-only connection) see the last value.
    let checked = 0;
    for (const [key, { field, value }] of [...last].slice(-50)) {
      const id = key.slice(0, key.indexOf('/'));
      const rec = await call<RecordOut>(engine, 'records.get', { base, table: TABLE, id, keys: 'name' });
      if (rec.fields[field] !== value) throw new Error(`edit not projected: ${id} ${field} = ${String(rec.fields[field])}, expected ${value}`);
      checked++;
    }
    log(`checked ${checked} edited cells through the projection`);
  } finally {
    engine.close();
  }
}

async function idleHeap(basePath: string, view: string): Promise<void> {
  const run = await runChild<IdleChildResult>(CHILD, ['idle', basePath, TABLE, view, String(IDLE_EDITS)], ['--expose-gc']);
  const r = run.result;
  log(
    `idle: heap used ${r.heapUsedMb.toFixed(1)} MB (heap total ${r.heapTotalMb.toFixed(1)}, rss ${r.rssMb.toFixed(1)}, ` +
      `external ${r.externalMb.toFixed(1)}, array buffers ${r.arrayBuffersMb.toFixed(1)}), ${r.loadedDocs} docs loaded after ${r.edits} edits`,
  );
  emit({ name: 'idle_heap_100k', value: r.heapUsedMb, unit: 'MB' });
}

async function import1m(csv: string, basePath: string): Promise<void> {
  const run = await runChild<ImportChildResult>(CHILD, ['import', csv, basePath, TABLE]);
  const r = run.result;
  if (r.imported !== 1_000_000) throw new Error(`imported ${r.imported} rows, expected 1000000`);
  log(`1M import: ${r.seconds.toFixed(1)} s, close ${r.closeSeconds.toFixed(1)} s, peak RSS ${r.maxRssMb.toFixed(0)} MB`);
  emit({ name: 'import_1m_x10_peak_rss', value: r.maxRssMb, unit: 'MB' });
  emit({ name: 'import_1m_x10_seconds', value: r.seconds, unit: 's' });
}

async function queryPage1m(tmp: TempDir, csv: string, basePath: string): Promise<void> {
  // Baseline: the same rows in a plain table with an index on the sort column; the same page and
  // total (records.query returns both), sorted the same way (ties by row id).
  let t = performance.now();
  const db = new Database(tmp.file('plain-1m.sqlite'));
  const insert = createPlainTable(db, COLUMNS_10, SORT_COLUMN);
  db.exec('BEGIN');
  for await (const batch of readTypedRows(csv, COLUMNS_10)) for (const row of batch) insert.run(row);
  db.exec('COMMIT');
  log(`baseline 1M table built in ${seconds(t).toFixed(1)} s`);
  const f = COLUMNS_10.findIndex((c) => c.name === FILTER_COLUMN);
  const s = COLUMNS_10.findIndex((c) => c.name === SORT_COLUMN);
  const pageSql = db.prepare(`SELECT * FROM t WHERE c${f} > ? ORDER BY c${s} ASC, id ASC LIMIT ? OFFSET ?`);
  const countSql = db.prepare(`SELECT COUNT(*) AS n FROM t WHERE c${f} > ?`);
  const plainQuery = (): number => {
    const rows = pageSql.all(FILTER_VALUE, 100, QUERY_OFFSET);
    const { n } = countSql.get(FILTER_VALUE) as { n: number };
    if (rows.length !== 100) throw new Error(`baseline page has ${rows.length} rows`);
    return n;
  };

  const engine = new Engine();
  try {
    const { base } = await call<BaseInfo>(engine, 'base.open', { path: basePath });
    t = performance.now();
    const view = await call<ViewSchema>(engine, 'view.create', { base, table: TABLE, name: 'Bench view', filter: VIEW_FILTER, sorts: VIEW_SORTS });
    log(`view.create (indexes on ${FILTER_COLUMN}, ${SORT_COLUMN}) on 1M rows: ${seconds(t).toFixed(1)} s`);
    const query = (): Promise<QueryPage> => call<QueryPage>(engine, 'records.query', { base, table: TABLE, view: view.id, offset: QUERY_OFFSET, limit: 100 });
    // One warm-up each, then alternating runs, so a busy moment of the machine hits both sides alike.
    const plainTotal = plainQuery();
    const first = await query();
    if (first.records.length !== 100 || first.total !== plainTotal) {
      throw new Error(`engine page: ${first.records.length} rows of ${first.total}; baseline total ${plainTotal}`);
    }
    const times: number[] = [];
    const baselineTimes: number[] = [];
    for (let i = 0; i < QUERY_RUNS; i++) {
      t = performance.now();
      await query();
      times.push(performance.now() - t);
      t = performance.now();
      plainQuery();
      baselineTimes.push(performance.now() - t);
    }
    log(`query_page_1m runs (ms): engine ${times.map((x) => x.toFixed(1)).join(' ')}; baseline ${baselineTimes.map((x) => x.toFixed(1)).join(' ')}`);
    emit({ name: 'query_page_1m', value: median(times), unit: 'ms', baseline: median(baselineTimes) });
  } finally {
    engine.close();
    db.close();
  }
}
