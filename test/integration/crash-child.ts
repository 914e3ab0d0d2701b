/**
 * Child process for crash.test.ts: drives a real Engine against a base file until the parent kills
 * it with SIGKILL. Run with `node --import tsx crash-child.ts MODE ...ARGS`.
 *
 * It reports on stdout, one line per fact, written synchronously (fs.writeSync) only *after* the
 * fact is committed, so every line the parent reads names a change that is durable in the file:
 *   ready                                      the base is open
 *   <i>                                        edit / create mode: change number i committed
 *   started <walBytes>                         import mode: the import call is about to start
 *   progress <phase> <done> <total> <walBytes> import mode: a progress event (bytes of the CSV)
 *   done <imported>                            import mode: the import committed
 *
 * Modes:
 *   edit   FILE START DEADLINE_MS  table 'Cells' (200 records, fields Slot and Counter): for i = START..,
 *                                  set Counter of the record whose Slot is i % 200 to i, one
 *                                  single-cell transaction each; runs maintenance (compaction of the
 *                                  update log) every 100 edits, so kills also land in compactions.
 *   create FILE START DEADLINE_MS  table 'Log' (fields Seq, Payload): for i = START.., create one
 *                                  record {Seq: i, Payload: payload(i)} per transaction.
 *   import FILE CSV TABLE CACHE_KIB  'csv.import' of CSV into a new TABLE. CACHE_KIB > 0 shrinks the
 *                                  connection's page cache so the open import transaction spills
 *                                  uncommitted pages into the -wal file (as a very large import does).
 *   fresh  FILE                    'base.create', a table 'Notes' and one record, then reports
 *                                  `committed` and idles with the base open (never checkpointed).
 *   create-base FILE POINT         'base.create', stopped at a chosen moment inside it: the thread
 *                                  blocks (and reports `paused POINT`) just before
 *                                    schema    the first statement of the schema migration;
 *                                    identity  the write of the base's identity (meta.baseId).
 *                                  The pause hooks better-sqlite3's prepare/exec in this process only.
 *
 * Loops stop by themselves after DEADLINE_MS, and the child exits when its stdin closes (the parent
 * went away), so a failed test cannot leave a writer running.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { inProcessClient } from '../../src-main/engine/testing/engine-client';
import { EDIT_SLOTS, payload } from './crash-protocol';

function say(line: string): void {
  fs.writeSync(1, line + '\n');
}

function walBytes(file: string): number {
  try {
    return fs.statSync(file + '-wal').size;
  } catch {
    return 0;
  }
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

async function edit(file: string, start: number, deadlineMs: number): Promise<void> {
  const { engine, client } = inProcessClient({ actor: 'crash-child' });
  const { base } = await client['base.open']({ path: file });
  const page = await client['records.query']({ base, table: 'Cells', keys: 'name', limit: 1000 });
  const bySlot = new Map<number, string>();
  for (const r of page.records) bySlot.set(r.fields.Slot as number, r.id);
  if (bySlot.size !== EDIT_SLOTS) throw new Error(`expected ${EDIT_SLOTS} records, found ${bySlot.size}`);
  say('ready');
  const stopAt = Date.now() + deadlineMs;
  for (let i = start; Date.now() < stopAt; i++) {
    await client['records.update']({ base, table: 'Cells', updates: [{ id: bySlot.get(i % EDIT_SLOTS)!, fields: { Counter: i } }] });
    say(String(i));
    if (i % 100 === 0) engine.maintain();
    if (i % 25 === 0) await yieldToEventLoop();
  }
  engine.close();
}

async function create(file: string, start: number, deadlineMs: number): Promise<void> {
  const { engine, client } = inProcessClient({ actor: 'crash-child' });
  const { base } = await client['base.open']({ path: file });
  say('ready');
  const stopAt = Date.now() + deadlineMs;
  for (let i = start; Date.now() < stopAt; i++) {
    await client['records.create']({ base, table: 'Log', records: [{ Seq: i, Payload: payload(i) }] });
    say(String(i));
    if (i % 25 === 0) await yieldToEventLoop();
  }
  engine.close();
}

async function importCsv(file: string, csv: string, table: string, cacheKiB: number): Promise<void> {
  const { engine, client } = inProcessClient({ actor: 'crash-child' });
  const { base } = await client['base.open']({ path: file });
  if (cacheKiB > 0) engine.context(base).session.db.pragma(`cache_size = -${cacheKiB}`);
  say('ready');
  client.onDidProgress((e) => say(`progress ${e.phase} ${e.done} ${e.total} ${walBytes(file)}`));
  say(`started ${walBytes(file)}`);
  const r = await client['csv.import']({ base, path: csv, table });
  say(`done ${r.imported}`);
  engine.close();
  // Stay alive until the test's kill (so the kill always lands, however fast the import was),
  // but never longer than a minute.
  await new Promise((resolve) => setTimeout(resolve, 60_000));
}

async function fresh(file: string): Promise<void> {
  const { client } = inProcessClient({ actor: 'crash-child' });
  const { base } = await client['base.create']({ path: file });
  await client['table.create']({ base, name: 'Notes', fields: [{ name: 'Text', type: 'singleLineText' }] });
  await client['records.create']({ base, table: 'Notes', records: [{ Text: 'precious' }] });
  say('committed');
  await new Promise((resolve) => setTimeout(resolve, 30_000));
}

/** Blocks this thread (until killed, at most 30 s) when `method` is called with SQL matching `match`. */
function pauseBefore(method: 'exec' | 'prepare', match: RegExp, point: string): void {
  const proto = Database.prototype as unknown as Record<typeof method, (this: unknown, sql: string) => unknown>;
  const original = proto[method];
  proto[method] = function (this: unknown, sql: string) {
    if (match.test(sql)) {
      say(`paused ${point}`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30_000);
    }
    return original.call(this, sql);
  };
}

async function createBase(file: string, point: string): Promise<void> {
  if (point === 'schema') pauseBefore('exec', /^\s*CREATE TABLE/i, point);
  else if (point === 'identity') pauseBefore('prepare', /^\s*INSERT INTO meta\b/i, point);
  else throw new Error(`unknown pause point ${point}`);
  const { engine, client } = inProcessClient({ actor: 'crash-child' });
  await client['base.create']({ path: file });
  engine.close();
}

async function main(argv: string[]): Promise<void> {
  const [mode, file, ...rest] = argv;
  if (!file) throw new Error('usage: crash-child.ts MODE FILE ...');
  switch (mode) {
    case 'edit':
      return edit(file, Number(rest[0]), Number(rest[1]));
    case 'create':
      return create(file, Number(rest[0]), Number(rest[1]));
    case 'import':
      return importCsv(file, rest[0]!, rest[1]!, Number(rest[2]));
    case 'fresh':
      return fresh(file);
    case 'create-base':
      return createBase(file, rest[0]!);
    default:
      throw new Error(`unknown mode ${String(mode)}`);
  }
}

process.stdin.on('end', () => process.exit(2));
process.stdin.on('error', () => process.exit(2));
process.stdin.resume();
main(process.argv.slice(2)).then(
  () => process.exit(0),
  (e: unknown) => {
    fs.writeSync(2, `crash-child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
