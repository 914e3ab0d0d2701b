/**
 * Rebuild equals incremental: a base built through many service calls (every field type, retypes,
 * deletes, undo/redo, views, CSV imports) has, after `rebuild()` — in the same session, and after a
 * close and reopen — exactly the projection it had incrementally: every row (all columns but the
 * local `rid`), columns, indexes and full-text search results; and `checkBase` finds nothing.
 */
import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBase } from '../../src-main/engine/base/base-check';
import { BaseSession } from '../../src-main/engine/base/base-session';
import { WriteLock, type BaseContext } from '../../src-main/engine/base/base-context';
import * as fields from '../../src-main/engine/schema/fields.service';
import * as records from '../../src-main/engine/records/records.service';
import * as reads from '../../src-main/engine/records/records-query.service';
import * as tables from '../../src-main/engine/schema/tables.service';
import { importCsv } from '../../src-main/engine/transfer/csv-import.service';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { UndoStack } from '../../src-main/engine/undo/undo-stack';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { FIELD_TYPES, type FieldSchema, type FieldType } from '../../src-shared/schema/schema.types';
import { Clock, makeRng, projectionSnapshot, querySnapshot, searchSnapshot, type Rng } from './replicas.support';

let tmp: ReturnType<typeof makeTempDir>;
const open: BaseSession[] = [];
beforeEach(() => {
  tmp = makeTempDir('baseplate-rebuild-');
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
  tmp.cleanup();
});

function openBase(file: string, create: boolean, clock: Clock): BaseContext {
  const session = new BaseSession(file, { create, actor: 'ada', now: () => clock.now });
  open.push(session);
  return { handle: 'b', session, undo: new UndoStack(), lock: new WriteLock() };
}

function closeBase(ctx: BaseContext): void {
  ctx.session.close();
  open.splice(open.indexOf(ctx.session), 1);
}

const TERMS = ['bolt', 'flange', 'steel', 'example', 'déjà', 'pump', '42', 'gasket seal', 'imported', 'note', 'zzz'];

const WORDS = ['bolt', 'nut', 'flange', 'gasket', 'seal', 'pump', 'valve', 'steel', 'brass', 'déjà', 'Ünïcode'];

function optionsFor(type: FieldType): unknown {
  switch (type) {
    case 'singleSelect':
      return { choices: [{ name: 'Open' }, { name: 'Done' }, { name: 'Blocked' }] };
    case 'multipleSelect':
      return { choices: [{ name: 'steel' }, { name: 'brass' }, { name: 'metric, fine' }] };
    case 'number':
      return { precision: 2 };
    case 'currency':
      return { precision: 2, symbol: '€' };
    case 'dateTime':
      return { timeZone: 'Europe/Berlin' };
    case 'rating':
      return { max: 10 };
    case 'lastModifiedTime':
      return { fields: [] };
    default:
      return undefined;
  }
}

/** A value of the field's type (API input form); null sometimes. */
function valueFor(rng: Rng, f: FieldSchema, i: number): unknown {
  if (rng.chance(0.1)) return null;
  const w = (): string => rng.pick(WORDS);
  switch (f.type) {
    case 'singleLineText':
      return `${w()} ${i}`;
    case 'longText':
      return `${w()} note\n${w()} ${w()} ${i}`;
    case 'number':
      return rng.chance(0.2) ? 42 : Math.round((rng.next() - 0.3) * 1e5) / 100;
    case 'currency':
      return Math.round(rng.next() * 1e5) / 100;
    case 'percent':
      return rng.int(150) / 100;
    case 'date':
      return `2024-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 28)).padStart(2, '0')}`;
    case 'dateTime':
      return new Date(Date.UTC(2024, rng.int(12), rng.range(1, 28), rng.int(24), rng.int(60))).toISOString();
    case 'duration':
      return rng.int(360_000);
    case 'checkbox':
      return rng.chance(0.5);
    case 'singleSelect':
      return rng.pick(['Open', 'Done', 'Blocked']);
    case 'multipleSelect':
      return rng.shuffle(['steel', 'brass', 'metric, fine']).slice(0, rng.range(1, 3));
    case 'rating':
      return rng.range(1, 10);
    case 'url':
      return `https://parts.example.com/${w()}/${i}`;
    case 'email':
      return `buyer${i}@example.com`;
    case 'phone':
      return `+49 30 1234 ${String(i).padStart(4, '0')}`;
    case 'attachment':
      return [{ id: `att${i}`, name: `${w()}-${i}.pdf`, size: 1000 + i, type: 'application/pdf' }];
    case 'json':
      return { part: w(), qty: i, tags: [w(), w()], nested: { ok: rng.chance(0.5) } };
    default:
      return null;
  }
}

const editable = (f: FieldSchema): boolean => !getFieldType(f.type).computed;

function writeCsv(name: string, lines: string[]): string {
  const p = tmp.file(name);
  fs.writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

/** Builds the base: returns nothing, asserts a few facts on the way so the steps really happen. */
async function build(ctx: BaseContext, clock: Clock): Promise<void> {
  const rng = makeRng(0xb0b);
  const tick = (): void => clock.advance(1 + rng.int(5000));
  const T = 'Everything';
  const all = tables.createTable(
    ctx,
    T,
    FIELD_TYPES.map((type) => ({ name: `F ${type}`, type, options: optionsFor(type) })),
  );
  expect(all.fields.map((f) => f.type)).toEqual([...FIELD_TYPES]);
  const f = (type: FieldType): string => all.fields.find((x) => x.type === type)!.id;

  // Records with a value of every editable type, in a few batches.
  const ids: string[] = [];
  for (let batch = 0; batch < 4; batch++) {
    tick();
    const inputs = Array.from({ length: 15 }, (_, k) => {
      const i = batch * 15 + k;
      return Object.fromEntries(all.fields.filter(editable).map((x) => [x.id, valueFor(rng, x, i)]));
    });
    ids.push(...records.createRecords(ctx, T, inputs));
  }
  // Edits, one cell and many at a time (lastModifiedTime follows them).
  for (let i = 0; i < 40; i++) {
    tick();
    const id = rng.pick(ids);
    const x = rng.pick(all.fields.filter(editable));
    records.updateRecords(ctx, T, [{ id, fields: { [x.id]: valueFor(rng, x, i + 100) } }]);
  }
  tick();
  records.updateRecords(ctx, T, ids.slice(0, 10).map((id, i) => ({ id, fields: { [f('singleLineText')]: `bolt renamed ${i}`, [f('checkbox')]: i % 2 === 0 } })));
  const dups = records.duplicateRecords(ctx, T, ids.slice(5, 9));
  records.deleteRecords(ctx, T, [ids[1]!, ids[2]!, dups[0]!]);

  // Views that sort, filter and group (indexes), and view edits.
  tables.createView(ctx, T, { name: 'By number', sorts: [{ field: f('number'), direction: 'desc' }], filter: { and: [{ field: f('checkbox'), op: '=', value: true }] } });
  tables.createView(ctx, T, { name: 'Grouped', groups: [{ field: f('singleSelect'), direction: 'asc' }], sorts: [{ field: f('date'), direction: 'asc' }] });
  tables.updateView(ctx, T, 'Grid view', { hidden: [f('json')], widths: { [f('url')]: 240 } });

  // Retypes: compatible and lossy ones, each converting every cell.
  const retypes: Array<[FieldType, FieldType, unknown?]> = [
    ['number', 'currency'],
    ['percent', 'number'],
    ['longText', 'singleSelect'],
    ['multipleSelect', 'singleSelect'],
    ['date', 'dateTime', { timeZone: 'America/New_York' }],
    ['checkbox', 'number'],
    ['json', 'singleLineText'],
    ['url', 'longText'],
    ['duration', 'number'],
    ['phone', 'singleLineText'],
    // Lossy: text that is no email becomes empty.
    ['singleSelect', 'email'],
  ];
  for (const [from, to, options] of retypes) {
    tick();
    fields.updateField(ctx, T, f(from), { type: to, ...(options !== undefined ? { options } : {}) });
  }
  // A retype to a computed type and back (undo), a retype undone and redone.
  fields.updateField(ctx, T, f('rating'), { type: 'lastModifiedTime' });
  ctx.undo.undo(ctx.session);
  fields.updateField(ctx, T, f('singleLineText'), { type: 'number' });
  ctx.undo.undo(ctx.session);
  ctx.undo.redo(ctx.session);
  ctx.undo.undo(ctx.session);

  // Field deletes: one undone, one kept; a field added later and filled; renames; moves.
  fields.deleteField(ctx, T, f('email'));
  ctx.undo.undo(ctx.session);
  fields.deleteField(ctx, T, f('attachment'));
  const extra = fields.createField(ctx, T, { name: 'Extra', type: 'multipleSelect', options: { choices: [{ name: 'x' }, { name: 'y' }] }, before: f('number') });
  records.updateRecords(ctx, T, ids.slice(10, 30).filter((_, i) => i % 3 !== 0).map((id, i) => ({ id, fields: { [extra.id]: i % 2 ? ['x'] : ['x', 'y'] } })));
  // Choices keep their ids (a choice given without an id is a new choice).
  const choices = (extra.options as { choices: Array<{ id: string; name: string }> }).choices;
  fields.updateField(ctx, T, extra.id, { options: { choices: [...choices.map((c) => ({ id: c.id, name: c.name === 'y' ? 'why' : c.name })), { name: 'z' }] } });
  fields.updateField(ctx, T, f('email'), { name: 'Buyer email' });
  fields.moveField(ctx, T, f('json'), f('number'));

  // Undo/redo of record changes.
  const before = reads.countRecords(ctx, { table: T });
  records.deleteRecords(ctx, T, ids.slice(20, 25));
  ctx.undo.undo(ctx.session);
  records.updateRecords(ctx, T, [{ id: ids[30]!, fields: { [f('singleLineText')]: 'flange undone' } }]);
  ctx.undo.undo(ctx.session);
  ctx.undo.redo(ctx.session);
  records.createRecords(ctx, T, [{ [f('singleLineText')]: 'pump created then undone' }]);
  ctx.undo.undo(ctx.session);
  expect(reads.countRecords(ctx, { table: T })).toBe(before);

  // Other tables: one deleted and restored by undo, one deleted for good, one renamed.
  const vendors = tables.createTable(ctx, 'Suppliers', [{ name: 'Name', type: 'singleLineText' }, { name: 'Since', type: 'date' }, { name: 'No', type: 'autonumber' }]);
  records.createRecords(ctx, vendors.id, [{ Name: 'Acme gasket', Since: '2020-01-01' }, { Name: 'Bolt & Co', Since: '2021-06-30' }, { Name: 'déjà vu' }]);
  tables.deleteTable(ctx, vendors.id);
  ctx.undo.undo(ctx.session);
  tables.renameTable(ctx, vendors.id, 'Vendors');
  const gone = tables.createTable(ctx, 'Scratch', [{ name: 'Name', type: 'singleLineText' }]);
  records.createRecords(ctx, gone.id, [{ Name: 'bolt scratch' }]);
  tables.deleteTable(ctx, gone.id);

  // CSV: into a new table, then into the existing one (matching columns by name, adding one).
  tick();
  const parts = writeCsv('parts.csv', [
    'Part,Qty,Price,Due,Status,Notes',
    ...Array.from({ length: 40 }, (_, i) =>
      [`P-${i} imported`, String(i * 3), `$${(i * 1.25).toFixed(2)}`, `2024-02-${String((i % 28) + 1).padStart(2, '0')}`, ['Open', 'Done', 'Hold'][i % 3], i % 4 === 0 ? '"gasket, seal; ""quoted"""' : 'steel note'].join(','),
    ),
  ]);
  const imported = await importCsv(ctx, { path: parts, table: 'Parts' });
  expect(imported.imported).toBe(40);
  const more = writeCsv('more.csv', ['F singleLineText,F currency,Origin', 'imported bolt,12.50,Berlin', 'imported nut,,Paris', 'Ünïcode déjà,3,']);
  expect((await importCsv(ctx, { path: more, table: T })).imported).toBe(3);
  // An import undone and redone.
  const again = writeCsv('again.csv', ['Part,Qty', 'P-x imported,1', 'P-y imported,2']);
  await importCsv(ctx, { path: again, table: 'Parts' });
  ctx.undo.undo(ctx.session);
  ctx.undo.redo(ctx.session);
  records.updateRecords(ctx, 'Parts', [{ id: reads.queryPage(ctx, { table: 'Parts', keys: 'id', limit: 1 }).records[0]!.id, fields: { Qty: 4242 } }]);
  fields.updateField(ctx, 'Parts', 'Status', { type: 'multipleSelect' });
  fields.updateField(ctx, 'Parts', 'Qty', { type: 'singleLineText' });

  // Compaction and unloading in between must change nothing either.
  ctx.session.compact(true);
  ctx.session.unloadIdle(0);
  records.updateRecords(ctx, T, [{ id: ids[40]!, fields: { [f('singleLineText')]: 'after compaction bolt' } }]);
}

interface Snapshot {
  schema: unknown;
  projection: unknown;
  search: unknown;
  queries: unknown;
}

function snapshot(ctx: BaseContext): Snapshot {
  return {
    schema: ctx.session.schema(),
    projection: projectionSnapshot(ctx.session),
    search: searchSnapshot(ctx, TERMS),
    queries: querySnapshot(ctx),
  };
}

function expectHealthy(ctx: BaseContext): void {
  const report = checkBase(ctx.session);
  expect(report.problems).toEqual([]);
  expect(report.ok).toBe(true);
}

describe('rebuild equals incremental', () => {
  it('in the same session: every projection row, column, index and search result is unchanged', async () => {
    const clock = new Clock();
    const ctx = openBase(tmp.file('a.base'), true, clock);
    await build(ctx, clock);
    const incremental = snapshot(ctx);
    // The build really produced something to compare.
    const proj = incremental.projection as Record<string, { rows: unknown[] }>;
    expect(Object.keys(proj)).toHaveLength(3);
    expect(Object.values(proj).reduce((n, t) => n + t.rows.length, 0)).toBeGreaterThan(100);
    const hits = incremental.search as Record<string, Record<string, { count: number }>>;
    expect(Object.values(hits).reduce((n, t) => n + Object.values(t).reduce((m, x) => m + x.count, 0), 0)).toBeGreaterThan(50);
    expectHealthy(ctx);

    ctx.session.rebuild();
    expect(snapshot(ctx)).toEqual(incremental);
    expectHealthy(ctx);
    // Rebuilding twice is the same as once.
    ctx.session.rebuild();
    expect(snapshot(ctx)).toEqual(incremental);
  });

  it('after close and reopen, then rebuild: unchanged', async () => {
    const clock = new Clock();
    const file = tmp.file('b.base');
    let ctx = openBase(file, true, clock);
    await build(ctx, clock);
    const incremental = snapshot(ctx);
    closeBase(ctx);

    ctx = openBase(file, false, clock);
    expect(snapshot(ctx)).toEqual(incremental);
    expectHealthy(ctx);
    ctx.session.rebuild();
    expect(snapshot(ctx)).toEqual(incremental);
    expectHealthy(ctx);
    closeBase(ctx);

    // And the rebuilt projection is what a later session reads.
    ctx = openBase(file, false, clock);
    expect(snapshot(ctx)).toEqual(incremental);
    expectHealthy(ctx);
  });
});
