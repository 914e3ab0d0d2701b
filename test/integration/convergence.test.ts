/**
 * Convergence: replicas of one base edit concurrently through the engine's services, their updates
 * reach each other late, out of order and duplicated (see replicas.support.ts), and once everything
 * is delivered every replica must hold the same docs and the same projection.
 *
 * The randomized test is reproducible: its seed is in its name and in every failure message, and
 * `SEED=<n> npx vitest run test/integration/convergence` replays another one.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBase } from '../../src-main/engine/base/base-check';
import type { BaseSession } from '../../src-main/engine/base/base-session';
import * as fields from '../../src-main/engine/schema/fields.service';
import * as records from '../../src-main/engine/records/records.service';
import * as tables from '../../src-main/engine/schema/tables.service';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { projectionTable } from '../../src-main/engine/projection/projection-names';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { EngineError } from '../../src-shared/errors';
import { FIELD_TYPES, type FieldSchema, type FieldType, type TableSchema } from '../../src-shared/schema/schema.types';
import {
  Clock, docSnapshot, makeRng, Network, projectionSnapshot, querySnapshot, searchSnapshot, seedFromEnv, seedIds, storedDocIds,
  tryEngine, type Replica, type Rng,
} from './replicas.support';

let tmp: ReturnType<typeof makeTempDir>;
let net: Network | null = null;
let restoreIds: (() => void) | null = null;

beforeEach(() => {
  tmp = makeTempDir('baseplate-convergence-');
});
afterEach(() => {
  net?.close();
  net = null;
  restoreIds?.();
  restoreIds = null;
  tmp.cleanup();
});

function network(count: number, opts: { rng?: Rng; clock?: Clock; skews?: number[] } = {}): Network {
  net = new Network({ count, file: (i) => tmp.file(`r${i}.base`), clock: opts.clock ?? new Clock(), rng: opts.rng ?? makeRng(count), ...(opts.skews ? { skews: opts.skews } : {}) });
  return net;
}

/** Delivers everything everywhere, in one fixed order (the focused tests need no randomness). */
function syncAll(n: Network): void {
  n.deliverAll(makeRng(1), 0);
}

const rowsOf = (s: BaseSession, tableId: string): Array<Record<string, unknown>> =>
  (s.db.prepare(`SELECT * FROM ${projectionTable(tableId)} ORDER BY id`).all() as Array<Record<string, unknown>>).map(({ rid: _rid, ...rest }) => rest);

const idsOf = (s: BaseSession, tableId: string): string[] =>
  (s.db.prepare(`SELECT id FROM ${projectionTable(tableId)} ORDER BY n, id`).all() as Array<{ id: string }>).map((r) => r.id);

/** Everything that must be equal between replicas, for the focused tests. */
function expectConverged(n: Network): void {
  const [first, ...rest] = n.replicas;
  const ids = storedDocIds(first!.session);
  const docs = Object.fromEntries(ids.map((id) => [id, docSnapshot(first!.session, id)]));
  const proj = projectionSnapshot(first!.session);
  for (const r of rest) {
    expect(storedDocIds(r.session)).toEqual(ids);
    expect(Object.fromEntries(ids.map((id) => [id, docSnapshot(r.session, id)]))).toEqual(docs);
    expect(projectionSnapshot(r.session)).toEqual(proj);
  }
  for (const r of n.replicas) expect(checkBase(r.session)).toMatchObject({ ok: true, problems: [] });
}

// ---------------------------------------------------------------------------------------------
// Focused, deterministic cases

describe('convergence: focused cases', () => {
  function setup(count = 3): { n: Network; table: TableSchema; rec: string } {
    const n = network(count);
    const a = n.replicas[0]!;
    const table = tables.createTable(a.ctx, 'Parts', [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Qty', type: 'number' },
      { name: 'Notes', type: 'longText' },
    ]);
    const [rec] = records.createRecords(a.ctx, table.id, [{ Name: 'Bolt', Qty: 4, Notes: 'steel' }]);
    syncAll(n);
    return { n, table, rec: rec! };
  }

  it('concurrent edits of different cells of one record both survive', () => {
    const { n, table, rec } = setup();
    const [a, b, c] = n.replicas as [Replica, Replica, Replica];
    records.updateRecords(a.ctx, table.id, [{ id: rec, fields: { Name: 'Hex bolt' } }]);
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Qty: 12 } }]);
    records.updateRecords(c.ctx, table.id, [{ id: rec, fields: { Notes: 'zinc plated' } }]);
    syncAll(n);
    expectConverged(n);
    const qty = table.fields.find((f) => f.name === 'Qty')!;
    const notes = table.fields.find((f) => f.name === 'Notes')!;
    for (const r of n.replicas) {
      const [row] = rowsOf(r.session, table.id);
      expect(row).toMatchObject({ [`c_${table.fields[0]!.id}`]: 'Hex bolt', [`c_${qty.id}`]: 12, [`c_${notes.id}`]: 'zinc plated' });
    }
  });

  it('concurrent edits of the same cell converge to one of the written values on every replica', () => {
    const { n, table, rec } = setup();
    const written = ['from a', 'from b', 'from c'];
    n.replicas.forEach((r, i) => records.updateRecords(r.ctx, table.id, [{ id: rec, fields: { Name: written[i] } }]));
    // Delivered in different orders on different replicas, with duplicates.
    n.deliverAll(makeRng(7), 0.5);
    expectConverged(n);
    const values = n.replicas.map((r) => rowsOf(r.session, table.id)[0]![`c_${table.fields[0]!.id}`]);
    expect(new Set(values).size).toBe(1);
    expect(written).toContain(values[0]);
  });

  it('the same cell edited again after a partial sync still converges (last writer wins deterministically)', () => {
    const { n, table, rec } = setup(2);
    const [a, b] = n.replicas as [Replica, Replica];
    records.updateRecords(a.ctx, table.id, [{ id: rec, fields: { Qty: 1 } }]);
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Qty: 2 } }]);
    // b sees a's edit and writes after it: b's second write is the last writer everywhere.
    for (const m of b.inbox.splice(0)) n.apply(b, m);
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Qty: 3 } }]);
    syncAll(n);
    expectConverged(n);
    const qty = table.fields.find((f) => f.name === 'Qty')!;
    for (const r of n.replicas) expect(rowsOf(r.session, table.id)[0]![`c_${qty.id}`]).toBe(3);
  });

  it('a record deleted on one replica while edited on another stays deleted everywhere', () => {
    const { n, table, rec } = setup();
    const [a, b, c] = n.replicas as [Replica, Replica, Replica];
    const [other] = records.createRecords(c.ctx, table.id, [{ Name: 'Nut' }]);
    syncAll(n);
    records.deleteRecords(a.ctx, table.id, [rec]);
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Name: 'edited while deleted', Qty: 99 } }]);
    records.updateRecords(c.ctx, table.id, [{ id: rec, fields: { Notes: 'also edited' } }]);
    // The edits arrive before the delete on one replica and after it on another.
    n.deliverAll(makeRng(3), 0.3);
    expectConverged(n);
    for (const r of n.replicas) expect(idsOf(r.session, table.id)).toEqual([other]);
    // A later edit on a stale view is refused, not resurrecting.
    for (const r of n.replicas) expect(tryEngine(() => records.updateRecords(r.ctx, table.id, [{ id: rec, fields: { Name: 'x' } }]))).toBe(false);
  });

  it('a record deleted while edited, then restored by undo, converges', () => {
    const { n, table, rec } = setup();
    const [a, b] = n.replicas as [Replica, Replica];
    records.deleteRecords(a.ctx, table.id, [rec]);
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Qty: 7 } }]);
    n.deliverSome(makeRng(11), { fraction: 0.5, duplicate: 0.2 });
    a.ctx.undo.undo(a.session);
    syncAll(n);
    expectConverged(n);
    for (const r of n.replicas) expect(idsOf(r.session, table.id)).toEqual([rec]);
  });

  it.each<{ from: FieldType; start: unknown; to: FieldType; edit: unknown }>([
    { from: 'number', start: 4, to: 'singleLineText', edit: 42 },
    { from: 'singleLineText', start: 'Bolt', to: 'number', edit: 'forty-two' },
    { from: 'singleLineText', start: '12', to: 'number', edit: '13' },
    { from: 'singleLineText', start: 'Bolt', to: 'singleSelect', edit: 'Washer' },
    { from: 'number', start: 4, to: 'percent', edit: 50 },
    { from: 'singleLineText', start: 'yes', to: 'checkbox', edit: 'no' },
    { from: 'multipleSelect', start: ['a', 'b'], to: 'singleLineText', edit: ['b'] },
    { from: 'date', start: '2024-03-01', to: 'dateTime', edit: '2024-04-02' },
  ])('a $from field retyped to $to on one replica while a cell of it is edited on another converges', ({ from, start, to, edit }) => {
    const n = network(3);
    const [a, b, c] = n.replicas as [Replica, Replica, Replica];
    const options = from === 'multipleSelect' ? { choices: [{ name: 'a' }, { name: 'b' }] } : undefined;
    const table = tables.createTable(a.ctx, 'T', [{ name: 'Name', type: 'singleLineText' }, { name: 'F', type: from, options }]);
    const ids = records.createRecords(a.ctx, table.id, [{ Name: 'one', F: start }, { Name: 'two', F: start }]);
    syncAll(n);
    fields.updateField(a.ctx, table.id, 'F', { type: to });
    records.updateRecords(b.ctx, table.id, [{ id: ids[0]!, fields: { F: edit } }]);
    records.updateRecords(c.ctx, table.id, [{ id: ids[1]!, fields: { Name: 'renamed' } }]);
    n.deliverAll(makeRng(5), 0.3);
    expectConverged(n);
    for (const r of n.replicas) expect(r.session.table(table.id).fields[1]!.type).toBe(to);
  });

  it('a field deleted on one replica while its cells are edited, and a table deleted while written to, converge', () => {
    const { n, table, rec } = setup();
    const [a, b, c] = n.replicas as [Replica, Replica, Replica];
    const other = tables.createTable(c.ctx, 'Other', [{ name: 'Name', type: 'singleLineText' }]);
    syncAll(n);
    fields.deleteField(a.ctx, table.id, 'Qty');
    records.updateRecords(b.ctx, table.id, [{ id: rec, fields: { Qty: 1000 } }]);
    tables.deleteTable(a.ctx, other.id);
    records.createRecords(c.ctx, other.id, [{ Name: 'orphan' }]);
    n.deliverAll(makeRng(9), 0.3);
    expectConverged(n);
    for (const r of n.replicas) expect(r.session.schema().tables.map((t) => t.name)).toEqual(['Parts']);
    // Undoing the table delete brings back the records written to it meanwhile.
    a.ctx.undo.undo(a.session);
    syncAll(n);
    expectConverged(n);
    for (const r of n.replicas) expect(rowsOf(r.session, other.id).map((row) => row[`c_${other.fields[0]!.id}`])).toEqual(['orphan']);
  });
});

// ---------------------------------------------------------------------------------------------
// Randomized

const WORDS = ['bolt', 'nut', 'washer', 'flange', 'gasket', 'valve', 'pump', 'shaft', 'bearing', 'spring', 'bracket', 'rivet', 'Ünïcode', 'déjà'];
const CHOICES = ['Open', 'Done', 'Blocked', 'Review', 'steel', 'brass'];
/** Types a field can be created as or changed to (attachments only as created fields). */
const RETYPE_TARGETS: FieldType[] = FIELD_TYPES.filter((t) => t !== 'attachment');

function isEditable(f: FieldSchema): boolean {
  return !getFieldType(f.type).computed;
}

function fieldOptions(rng: Rng, type: FieldType): unknown {
  switch (type) {
    case 'singleSelect':
    case 'multipleSelect':
      return { choices: rng.shuffle(CHOICES).slice(0, rng.range(1, 4)).map((name) => ({ name })) };
    case 'rating':
      return { max: rng.pick([5, 10]) };
    case 'number':
      return { precision: rng.int(3) };
    case 'dateTime':
      return { timeZone: rng.pick(['UTC', 'Europe/Berlin', 'America/New_York']) };
    default:
      return undefined;
  }
}

/** A value valid for the field as this replica sees it (API input form), sometimes empty. */
function randomValue(rng: Rng, f: FieldSchema): unknown {
  if (rng.chance(0.07)) return null;
  const word = (): string => rng.pick(WORDS);
  switch (f.type) {
    case 'singleLineText':
      return rng.chance(0.3) ? String(rng.int(500)) : `${word()} ${rng.int(100)}`;
    case 'longText':
      return `${word()} ${word()}\n${word()} ${rng.int(1000)}`;
    case 'number':
      return rng.chance(0.5) ? rng.int(2000) - 1000 : Math.round(rng.next() * 1e5) / 100;
    case 'currency':
      return Math.round(rng.next() * 1e6) / 100;
    case 'percent':
      return rng.int(201) / 100;
    case 'date':
      return `2024-${String(rng.range(1, 12)).padStart(2, '0')}-${String(rng.range(1, 28)).padStart(2, '0')}`;
    case 'dateTime':
      return new Date(Date.UTC(2024, rng.int(12), rng.range(1, 28), rng.int(24), rng.int(60), rng.int(60))).toISOString();
    case 'duration':
      return rng.int(100_000);
    case 'checkbox':
      return rng.chance(0.7);
    case 'singleSelect': {
      const choices = (f.options as { choices: Array<{ name: string }> }).choices;
      return choices.length > 0 ? rng.pick(choices).name : null;
    }
    case 'multipleSelect': {
      const choices = (f.options as { choices: Array<{ name: string }> }).choices;
      return rng.shuffle(choices).slice(0, rng.int(choices.length + 1)).map((c) => c.name);
    }
    case 'rating':
      return rng.range(1, (f.options as { max: number }).max);
    case 'url':
      return `https://example.com/${word()}/${rng.int(100)}`;
    case 'email':
      return `${word().replace(/[^a-z]/gi, 'x')}${rng.int(100)}@example.com`;
    case 'phone':
      return `+1 555 01${String(rng.int(100)).padStart(2, '0')}`;
    case 'attachment':
      return [{ id: `att${rng.int(1e6)}`, name: `${word()}.pdf`, size: rng.int(1e6), type: 'application/pdf' }];
    case 'json':
      return rng.chance(0.5) ? { part: word(), qty: rng.int(10), tags: [word()] } : [rng.int(10), word()];
    default:
      return null;
  }
}

/**
 * Engine bugs this test found, each kept as a focused test. Set to true on a tree without their fixes
 * to steer the schedule around them, so that any seed keeps looking for other bugs:
 * - convergence-undo.test.ts: undo/redo of a change to a table, field or view a collaborator has
 *   deleted meanwhile threw a TypeError or a plain Error from ops.ts instead of an EngineError (the
 *   write rolls back, so convergence is unaffected): tolerated, only with these messages.
 * - convergence-field-type.test.ts: an options-only field change concurrent with a retype of the same
 *   field left the field with one replica's type and the other's options; applying that update
 *   crashed the projection, so it was never stored and sync was stuck. Options-only changes are
 *   left out of the schedule (field descriptions are changed instead).
 */
const AVOID_KNOWN_BUGS = false;

const KNOWN_UNDO_CRASH = /Cannot read properties of undefined|^schema doc: no (table|field|view) /;

function tryUndo(fn: () => unknown): boolean {
  try {
    return tryEngine(fn);
  } catch (e) {
    if (AVOID_KNOWN_BUGS && e instanceof Error && !(e instanceof EngineError) && KNOWN_UNDO_CRASH.test(e.message)) return false;
    throw e;
  }
}

interface RunReport {
  ops: number;
  byKind: Record<string, { done: number; refused: number }>;
  rounds: number;
}

const OPS: Record<string, number> = {
  edit: 34, editMany: 6, contend: 6, create: 9, delete: 4, duplicate: 3,
  addField: 2.5, renameField: 1.5, retype: 3, fieldOptions: 1, deleteField: 1.5, moveField: 1,
  addTable: 0.6, renameTable: 0.6, deleteTable: 0.4,
  addView: 1, editView: 2.5, deleteView: 0.7,
  undo: 4, redo: 1.5, compact: 0.4, unload: 0.6, reopen: 0.25,
};

class Driver {
  readonly report: RunReport = { ops: 0, byKind: {}, rounds: 0 };
  readonly history: string[] = [];
  private names = 0;

  constructor(
    readonly rng: Rng,
    readonly net: Network,
    readonly clock: Clock,
  ) {}

  private uniq(prefix: string): string {
    return `${prefix} ${++this.names}`;
  }

  private tablesOf(r: Replica): TableSchema[] {
    return r.session.schema().tables;
  }

  private recordIds(r: Replica, t: TableSchema): string[] {
    return idsOf(r.session, t.id);
  }

  /** One random operation on replica r, as that replica sees the base. */
  step(r: Replica): void {
    const ts = this.tablesOf(r);
    const weights = { ...OPS };
    if (ts.length === 0) for (const k of Object.keys(weights)) if (k !== 'addTable' && k !== 'undo' && k !== 'redo') weights[k] = 0;
    if (ts.length >= 4) weights.addTable = 0;
    if (ts.length <= 1) weights.deleteTable = 0;
    const kind = this.rng.weighted(weights);
    this.clock.advance(this.rng.int(4));
    const t = ts.length > 0 ? this.rng.pick(ts) : null;
    const desc = `#${this.report.ops} r${r.index} ${kind}${t ? ` ${t.id}` : ''}`;
    this.history.push(desc);
    if (this.history.length > 40) this.history.shift();
    let done: boolean;
    try {
      done = this.run(r, kind, t);
    } catch (e) {
      throw new Error(`seed ${this.rng.seed}: ${desc} threw ${(e as Error).stack}\nlast ops:\n${this.history.join('\n')}`, { cause: e });
    }
    const k = (this.report.byKind[kind] ??= { done: 0, refused: 0 });
    if (done) k.done++;
    else k.refused++;
    this.report.ops++;
  }

  private run(r: Replica, kind: string, t: TableSchema | null): boolean {
    const rng = this.rng;
    const ctx = r.ctx;
    // Concurrent deletes can leave a table with no field or no view (the rules "the primary field
    // stays" and "a table keeps one view" are checked locally): add one instead.
    const needsField = ['renameField', 'retype', 'fieldOptions', 'deleteField', 'moveField', 'addView', 'editView'];
    if (t && t.fields.length === 0 && needsField.includes(kind)) return this.run(r, 'addField', t);
    if (t && t.views.length === 0 && (kind === 'editView' || kind === 'deleteView')) return this.run(r, 'addView', t);
    switch (kind) {
      case 'edit':
      case 'editMany': {
        const ids = this.recordIds(r, t!);
        const editable = t!.fields.filter(isEditable);
        if (ids.length === 0 || editable.length === 0) return this.run(r, 'create', t);
        // Favour the first records, so replicas often write the same cells.
        const pickId = (): string => ids[rng.chance(0.5) ? rng.int(Math.min(3, ids.length)) : rng.int(ids.length)]!;
        const n = kind === 'edit' ? 1 : rng.range(2, 6);
        const updates = new Map<string, Record<string, unknown>>();
        for (let i = 0; i < n; i++) {
          const id = pickId();
          const f = rng.pick(editable);
          updates.set(id, { ...(updates.get(id) ?? {}), [f.id]: randomValue(rng, f) });
        }
        return tryEngine(() => records.updateRecords(ctx, t!.id, [...updates].map(([id, values]) => ({ id, fields: values }))));
      }
      case 'contend': {
        // The same cell written on every replica that sees it, before any of them syncs.
        const ids = this.recordIds(r, t!);
        const editable = t!.fields.filter(isEditable);
        if (ids.length === 0 || editable.length === 0) return false;
        const id = rng.pick(ids);
        const field = rng.pick(editable);
        let any = false;
        for (const other of this.net.replicas) {
          const ot = other.session.schema().tables.find((x) => x.id === t!.id);
          const of = ot?.fields.find((f) => f.id === field.id);
          if (!ot || !of || !isEditable(of)) continue;
          this.clock.advance(rng.int(2));
          any = tryEngine(() => records.updateRecords(other.ctx, ot.id, [{ id, fields: { [of.id]: randomValue(rng, of) } }])) || any;
        }
        return any;
      }
      case 'create': {
        const count = this.recordIds(r, t!).length;
        if (count > 45 && rng.chance(0.7)) return this.run(r, 'delete', t);
        const inputs = Array.from({ length: rng.range(1, 3) }, () => {
          const v: Record<string, unknown> = {};
          for (const f of t!.fields.filter(isEditable)) if (rng.chance(0.6)) v[f.id] = randomValue(rng, f);
          return v;
        });
        return tryEngine(() => records.createRecords(ctx, t!.id, inputs));
      }
      case 'delete': {
        const ids = this.recordIds(r, t!);
        if (ids.length === 0) return false;
        return tryEngine(() => records.deleteRecords(ctx, t!.id, rng.shuffle(ids).slice(0, rng.range(1, 2))));
      }
      case 'duplicate': {
        const ids = this.recordIds(r, t!);
        if (ids.length === 0) return false;
        return tryEngine(() => records.duplicateRecords(ctx, t!.id, [rng.pick(ids)]));
      }
      case 'addField': {
        if (t!.fields.length >= 12) return this.run(r, 'deleteField', t);
        const type = rng.pick(FIELD_TYPES);
        const before = t!.fields.length > 0 && rng.chance(0.3) ? rng.pick(t!.fields).id : null;
        return tryEngine(() => fields.createField(ctx, t!.id, { name: this.uniq('Field'), type, options: fieldOptions(rng, type), before }));
      }
      case 'renameField':
        return tryEngine(() => fields.updateField(ctx, t!.id, rng.pick(t!.fields).id, { name: this.uniq(rng.pick(['Qty', 'Notes', 'Part'])) }));
      case 'retype': {
        const f = rng.pick(t!.fields);
        const type = rng.pick(RETYPE_TARGETS.filter((x) => x !== f.type));
        const options = rng.chance(0.5) ? fieldOptions(rng, type) : undefined;
        return tryEngine(() => fields.updateField(ctx, t!.id, f.id, { type, ...(options !== undefined ? { options } : {}) }));
      }
      case 'fieldOptions': {
        const f = rng.pick(t!.fields);
        if (AVOID_KNOWN_BUGS) return tryEngine(() => fields.updateField(ctx, t!.id, f.id, { description: this.uniq('about') }));
        if (f.type === 'singleSelect' || f.type === 'multipleSelect') {
          const choices = (f.options as { choices: Array<{ id: string; name: string; color: string }> }).choices;
          const kept = choices.filter(() => rng.chance(0.8));
          return tryEngine(() => fields.updateField(ctx, t!.id, f.id, { options: { choices: [...kept, { name: this.uniq('Choice') }] } }));
        }
        if (f.type === 'rating') return tryEngine(() => fields.updateField(ctx, t!.id, f.id, { options: { max: rng.pick([3, 5, 10]) } }));
        return tryEngine(() => fields.updateField(ctx, t!.id, f.id, { description: this.uniq('about') }));
      }
      case 'deleteField': {
        if (t!.fields.length <= 2) return false;
        return tryEngine(() => fields.deleteField(ctx, t!.id, rng.pick(t!.fields.slice(1)).id));
      }
      case 'moveField': {
        const f = rng.pick(t!.fields);
        const before = rng.chance(0.3) ? null : rng.pick(t!.fields).id;
        if (before === f.id) return false;
        return tryEngine(() => fields.moveField(ctx, t!.id, f.id, before));
      }
      case 'addTable': {
        const fs = [
          { name: 'Name', type: 'singleLineText' as const },
          ...Array.from({ length: rng.range(1, 4) }, (_, i) => {
            const type = rng.pick(FIELD_TYPES);
            return { name: `F${i}`, type, options: fieldOptions(rng, type) };
          }),
        ];
        return tryEngine(() => {
          const created = tables.createTable(ctx, this.uniq('Table'), fs);
          records.createRecords(ctx, created.id, [{ Name: 'first' }, { Name: 'second' }]);
        });
      }
      case 'renameTable':
        return tryEngine(() => tables.renameTable(ctx, t!.id, this.uniq('Table')));
      case 'deleteTable':
        return tryEngine(() => tables.deleteTable(ctx, t!.id));
      case 'addView': {
        if (t!.views.length >= 4) return this.run(r, 'deleteView', t);
        const f = rng.pick(t!.fields);
        return tryEngine(() =>
          tables.createView(ctx, t!.id, {
            name: this.uniq('View'),
            sorts: [{ field: f.id, direction: rng.chance(0.5) ? 'asc' : 'desc' }],
            ...(rng.chance(0.5) ? { filter: { and: [{ field: rng.pick(t!.fields).id, op: 'isNotEmpty' as const }] } } : {}),
          }),
        );
      }
      case 'editView': {
        const v = rng.pick(t!.views);
        const f = rng.pick(t!.fields);
        const patch = rng.pick([
          { sorts: [{ field: f.id, direction: 'desc' as const }] },
          { groups: [{ field: f.id, direction: 'asc' as const }] },
          { filter: { or: [{ field: f.id, op: 'isEmpty' as const }, { field: t!.fields[0]!.id, op: 'isNotEmpty' as const }] } },
          { filter: null, sorts: [], groups: [] },
          { hidden: [f.id] },
          { widths: { [f.id]: rng.range(60, 400) } },
          { fieldOrder: rng.shuffle(t!.fields.map((x) => x.id)) },
          { name: this.uniq('View') },
        ]);
        return tryEngine(() => tables.updateView(ctx, t!.id, v.id, patch));
      }
      case 'deleteView':
        return tryEngine(() => tables.deleteView(ctx, t!.id, rng.pick(t!.views).id));
      case 'undo':
        return tryUndo(() => ctx.undo.undo(r.session));
      case 'redo':
        // Redo needs an undo first: when there is nothing to redo, undo and redo the last change.
        return tryUndo(() => {
          if (!ctx.undo.state().canRedo) ctx.undo.undo(r.session);
          ctx.undo.redo(r.session);
        });
      case 'compact':
        r.session.compact(true);
        return true;
      case 'unload':
        r.session.unloadIdle(0);
        return true;
      case 'reopen':
        this.net.reopen(r.index);
        return true;
      default:
        throw new Error(`unknown op ${kind}`);
    }
  }
}

function describeDiff(label: string, a: unknown, b: unknown): string {
  const sa = JSON.stringify(a);
  const sb = JSON.stringify(b);
  let i = 0;
  while (i < sa.length && sa[i] === sb[i]) i++;
  return `${label} differ at char ${i}: …${sa.slice(Math.max(0, i - 200), i + 200)}…\n  vs …${sb.slice(Math.max(0, i - 200), i + 200)}…`;
}

function runRandomized(seed: number, opts: { replicas: number; ops: number }): RunReport {
  const rng = makeRng(seed);
  restoreIds = seedIds(makeRng(seed ^ 0x5eed));
  const clock = new Clock();
  const skews = Array.from({ length: opts.replicas }, (_, i) => (i === 0 ? 0 : rng.range(-3000, 3000)));
  const n = network(opts.replicas, { rng: makeRng(seed ^ 0xc11e), clock, skews });
  const driver = new Driver(rng, n, clock);
  const ctx0 = n.replicas[0]!.ctx;

  // Start: replica 0 creates two tables with a few fields and records; everyone receives them.
  tables.createTable(ctx0, 'Parts', [
    { name: 'Name', type: 'singleLineText' },
    { name: 'Qty', type: 'number', options: { precision: 0 } },
    { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open' }, { name: 'Done' }, { name: 'Blocked' }] } },
    { name: 'Tags', type: 'multipleSelect', options: { choices: [{ name: 'steel' }, { name: 'brass' }] } },
    { name: 'Due', type: 'date' },
    { name: 'Ok', type: 'checkbox' },
    { name: 'Edited', type: 'lastModifiedTime' },
  ]);
  tables.createTable(ctx0, 'Drawings', [
    { name: 'Title', type: 'singleLineText' },
    { name: 'Notes', type: 'longText' },
    { name: 'Price', type: 'currency' },
    { name: 'No', type: 'autonumber' },
  ]);
  for (const t of ctx0.session.schema().tables) {
    records.createRecords(
      ctx0,
      t.id,
      Array.from({ length: 8 }, () => Object.fromEntries(t.fields.filter(isEditable).map((f) => [f.id, randomValue(rng, f)]))),
    );
  }
  n.deliverAll(rng, 0);

  try {
    while (driver.report.ops < opts.ops) {
      driver.report.rounds++;
      for (const r of rng.shuffle(n.replicas)) {
        const k = rng.range(0, 6);
        for (let i = 0; i < k; i++) driver.step(r);
      }
      n.deliverSome(rng, { fraction: rng.pick([0.1, 0.4, 0.8]), duplicate: 0.08, offline: 0.2 });
    }
    // Everything everywhere, shuffled, with duplicates.
    n.deliverAll(rng, 0.1);
  } catch (e) {
    if ((e as Error).message.startsWith('seed ')) throw e;
    throw new Error(`seed ${seed}, round ${driver.report.rounds}: ${(e as Error).message}\nlast ops:\n${driver.history.join('\n')}`, { cause: e });
  }
  return driver.report;
}

function assertConverged(seed: number, n: Network): void {
  const where = `seed ${seed}`;
  const union = [...new Set(n.replicas.flatMap((r) => storedDocIds(r.session)))].sort();
  for (const r of n.replicas) expect(storedDocIds(r.session), `${where}: docs of replica ${r.index}`).toEqual(union);

  const [first, ...rest] = n.replicas as [Replica, ...Replica[]];
  for (const id of union) {
    const ref = docSnapshot(first.session, id);
    expect(ref.pending, `${where}: doc ${id} has pending updates on replica 0`).toBe(false);
    for (const r of rest) {
      const snap = docSnapshot(r.session, id);
      if (JSON.stringify(snap) !== JSON.stringify(ref)) expect.fail(`${where}: ${describeDiff(`doc ${id} (replica 0 vs ${r.index})`, ref, snap)}`);
    }
  }

  const proj = projectionSnapshot(first.session);
  const schemaTables = first.session.schema().tables.map((t) => t.id).sort();
  expect(Object.keys(proj), `${where}: projected tables`).toEqual(schemaTables);
  const search = searchSnapshot(first.ctx, ['bolt', 'stee', 'déjà', 'example', '42']);
  const queries = querySnapshot(first.ctx);
  for (const r of rest) {
    const p = projectionSnapshot(r.session);
    if (JSON.stringify(p) !== JSON.stringify(proj)) expect.fail(`${where}: ${describeDiff(`projection (replica 0 vs ${r.index})`, proj, p)}`);
    expect(searchSnapshot(r.ctx, ['bolt', 'stee', 'déjà', 'example', '42']), `${where}: search on replica ${r.index}`).toEqual(search);
    const q = querySnapshot(r.ctx);
    if (JSON.stringify(q) !== JSON.stringify(queries)) expect.fail(`${where}: ${describeDiff(`queryPage (replica 0 vs ${r.index})`, queries, q)}`);
  }

  for (const r of n.replicas) {
    const report = checkBase(r.session);
    expect(report.problems, `${where}: checkBase on replica ${r.index}`).toEqual([]);
    expect(report.ok).toBe(true);
    r.session.rebuild();
    const after = projectionSnapshot(r.session);
    if (JSON.stringify(after) !== JSON.stringify(proj)) expect.fail(`${where}: ${describeDiff(`projection after rebuild on replica ${r.index}`, proj, after)}`);
    expect(searchSnapshot(r.ctx, ['bolt', 'stee', 'déjà', 'example', '42']), `${where}: search after rebuild on replica ${r.index}`).toEqual(search);
  }
}

const SEEDS = [seedFromEnv(0x2f6b1d), ...(process.env.SEED ? [] : [0x51a7e5])];

describe('convergence: randomized', () => {
  it.each(SEEDS.map((s, i) => [s, i === 0 ? 3 : 4, i === 0 ? 3000 : 800] as const))(
    'seed %i: %i replicas, %i random operations, out-of-order duplicated delivery, end identical',
    (seed, replicas, ops) => {
      const report = runRandomized(seed, { replicas, ops });
      const n = net!;
      expect(report.ops).toBeGreaterThanOrEqual(ops);
      // The schedule really exercised the interesting paths.
      for (const k of ['edit', 'contend', 'create', 'delete', 'duplicate', 'addField', 'retype', 'deleteField', 'editView', 'undo']) {
        expect(report.byKind[k]?.done ?? 0, `seed ${seed}: successful '${k}' operations`).toBeGreaterThan(0);
      }
      expect(n.stats.duplicates).toBeGreaterThan(0);
      assertConverged(seed, n);
      // And again after every replica restarts (docs reload from snapshots and update rows).
      for (let i = 0; i < n.replicas.length; i++) n.reopen(i);
      assertConverged(seed, n);
    },
    180_000,
  );
});
