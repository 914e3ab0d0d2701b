/**
 * Undo and redo after a collaborator's concurrent deletion.
 *
 * UndoStack (src-main/engine/undo/undo-stack.ts) documents that an entry which no longer applies
 * ("e.g. a collaborator deleted its table") fails with an EngineError and is dropped. Each case
 * below makes a change on replica A, lets replica B delete the table, field or view it touched,
 * syncs, and undoes (then redoes) on A: each must either work or be refused with an EngineError,
 * never crash with a TypeError / plain Error (INTERNAL at the API boundary), and the replicas must
 * still converge.
 *
 * Found by the randomized convergence test: ops.ts `applyOp` assumed the field/view/table of an
 * inverse op still exists (`fields.find(...)!`, `views.find(...)!`, and schema-doc mutators that
 * throw plain Errors), so each case crashed with a TypeError or an Error.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBase } from '../../src-main/engine/base/base-check';
import * as fields from '../../src-main/engine/schema/fields.service';
import * as tables from '../../src-main/engine/schema/tables.service';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { EngineError } from '../../src-shared/errors';
import { Clock, makeRng, Network, projectionSnapshot, type Replica } from './replicas.support';

let tmp: ReturnType<typeof makeTempDir>;
let net: Network;
beforeEach(() => {
  tmp = makeTempDir('baseplate-undo-');
  net = new Network({ count: 2, file: (i) => tmp.file(`r${i}.base`), clock: new Clock(), rng: makeRng(2) });
});
afterEach(() => {
  net.close();
  tmp.cleanup();
});

const sync = (): void => net.deliverAll(makeRng(1), 0);

/** Runs fn; returns 'ok', or the EngineError code; anything else thrown is returned as `crash: …`. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (e) {
    if (e instanceof EngineError) return e.code;
    return `crash: ${(e as Error).constructor.name}: ${(e as Error).message}`;
  }
}

type Case = (a: Replica, b: Replica, tableId: string) => void;

const CASES: Array<[string, Case]> = [
  ['undo a field rename after B deleted the field', (a, b, t) => {
    fields.updateField(a.ctx, t, 'Qty', { name: 'Quantity' });
    sync();
    fields.deleteField(b.ctx, t, 'Quantity');
  }],
  ['undo a field retype after B deleted the field', (a, b, t) => {
    fields.updateField(a.ctx, t, 'Qty', { type: 'singleLineText' });
    sync();
    fields.deleteField(b.ctx, t, 'Qty');
  }],
  ['undo a field move after B deleted the field', (a, b, t) => {
    fields.moveField(a.ctx, t, 'Qty', null);
    sync();
    fields.deleteField(b.ctx, t, 'Qty');
  }],
  ['undo a field delete after B deleted the table', (a, b, t) => {
    fields.deleteField(a.ctx, t, 'Qty');
    sync();
    tables.deleteTable(b.ctx, t);
  }],
  ['undo a table rename after B deleted the table', (a, b, t) => {
    tables.renameTable(a.ctx, t, 'Renamed');
    sync();
    tables.deleteTable(b.ctx, t);
  }],
  ['undo a view change after B deleted the view', (a, b, t) => {
    const v = tables.createView(b.ctx, t, { name: 'Mine' });
    sync();
    tables.updateView(a.ctx, t, v.id, { name: 'Ours' });
    sync();
    tables.deleteView(b.ctx, t, v.id);
  }],
  ['undo a view delete after B deleted the table', (a, b, t) => {
    const v = tables.createView(a.ctx, t, { name: 'Temp' });
    tables.deleteView(a.ctx, t, v.id);
    sync();
    tables.deleteTable(b.ctx, t);
  }],
  // Undo succeeds here (deleting an absent field is a no-op) but stores an inverse holding
  // `field: undefined`, so the redo crashes.
  ['undo then redo a field create after B deleted the field', (a, b, t) => {
    fields.createField(a.ctx, t, { name: 'Extra', type: 'number' });
    sync();
    fields.deleteField(b.ctx, t, 'Extra');
  }],
];

describe('undo after a collaborator deleted what it touches', () => {
  it.each(CASES)('%s: refused with an EngineError, never a crash', (_name, arrange) => {
    const [a, b] = net.replicas as [Replica, Replica];
    const table = tables.createTable(a.ctx, 'T', [
      { name: 'Name', type: 'singleLineText' },
      { name: 'Qty', type: 'number' },
      { name: 'Notes', type: 'longText' },
    ]);
    sync();
    arrange(a, b, table.id);
    sync();
    const undone = outcome(() => a.ctx.undo.undo(a.session));
    const redone = outcome(() => a.ctx.undo.redo(a.session));
    expect({ undo: undone, redo: redone }).toEqual({
      undo: expect.not.stringMatching(/^crash/) as unknown,
      redo: expect.not.stringMatching(/^crash/) as unknown,
    });
    sync();
    expect(projectionSnapshot(b.session)).toEqual(projectionSnapshot(a.session));
    for (const r of net.replicas) expect(checkBase(r.session).problems).toEqual([]);
  });
});
