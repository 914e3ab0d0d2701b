/**
 * A field's type and its options must change together, also under concurrency.
 *
 * The schema doc stores `type` and `options` of a field as two independent last-writer-wins keys
 * (src-shared/docs/schema-doc.ts). A retype on replica A writes both; an options-only change on
 * replica B made concurrently (a rating's max, a number's precision, a select's choices) writes
 * `options` only. When B's `options` wins, every replica ends with A's type and B's options — e.g.
 * a multipleSelect whose options are `{ precision: 1 }`. Found by the randomized convergence test:
 * the readers of that type crashed on it (`choices is not iterable`, `Unexpected date format:
 * undefined`) inside the projection, in `applyRemote`, so the update was rolled back and never
 * stored: the replica could never accept it, and sync was stuck for good.
 *
 * Which concurrent write wins is decided by the Yjs client ids, so each case is run both ways
 * round: one of the two directions has the options-only write winning.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkBase } from '../../src-main/engine/base/base-check';
import * as fields from '../../src-main/engine/schema/fields.service';
import * as records from '../../src-main/engine/records/records.service';
import * as tables from '../../src-main/engine/schema/tables.service';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { FieldType } from '../../src-shared/schema/schema.types';
import { Clock, makeRng, Network, projectionSnapshot, type Replica } from './replicas.support';

let tmp: ReturnType<typeof makeTempDir>;
let net: Network;
beforeEach(() => {
  tmp = makeTempDir('baseplate-fieldtype-');
  net = new Network({ count: 2, file: (i) => tmp.file(`r${i}.base`), clock: new Clock(), rng: makeRng(2) });
});
afterEach(() => {
  net.close();
  tmp.cleanup();
});

function normalized(type: FieldType, options: unknown): unknown {
  const r = getFieldType(type).normalizeOptions(options);
  return r.ok ? r.value : `invalid ${type} options: ${r.message}`;
}

describe('a retype concurrent with an options-only change of the same field', () => {
  it.each<{ from: FieldType; fromOptions: unknown; to: FieldType; options: unknown }>([
    { from: 'number', fromOptions: { precision: 0 }, to: 'multipleSelect', options: { precision: 3 } },
    { from: 'rating', fromOptions: { max: 5 }, to: 'dateTime', options: { max: 10 } },
    { from: 'singleSelect', fromOptions: { choices: [{ name: 'a' }] }, to: 'number', options: { choices: [{ name: 'a' }, { name: 'b' }] } },
  ])('$from → $to on one replica, new $from options on the other: both apply everything, agree, and options fit the type', ({ from, fromOptions, to, options }) => {
    const [a, b] = net.replicas as [Replica, Replica];
    const table = tables.createTable(a.ctx, 'T', [
      { name: 'Name', type: 'singleLineText' },
      { name: 'F1', type: from, options: fromOptions },
      { name: 'F2', type: from, options: fromOptions },
    ]);
    const value = from === 'singleSelect' ? 'a' : 3;
    records.createRecords(a.ctx, table.id, [{ Name: 'x', F1: value, F2: value }]);
    net.deliverAll(makeRng(1), 0);
    // F1: A retypes, B changes options. F2: the other way round.
    fields.updateField(a.ctx, table.id, 'F1', { type: to });
    fields.updateField(b.ctx, table.id, 'F1', { options });
    fields.updateField(b.ctx, table.id, 'F2', { type: to });
    fields.updateField(a.ctx, table.id, 'F2', { options });

    net.deliverAll(makeRng(1), 0);

    for (const r of net.replicas) {
      for (const f of r.session.table(table.id).fields.slice(1)) {
        // Last writer wins for the field as a whole: either the retype or the options change…
        expect([from, to]).toContain(f.type);
        // …but never one's type with the other's options: the options fit the type.
        expect({ field: f.name, options: f.options }).toEqual({ field: f.name, options: normalized(f.type, f.options) });
      }
      expect(checkBase(r.session).problems).toEqual([]);
    }
    expect(b.session.schema()).toEqual(a.session.schema());
    expect(projectionSnapshot(b.session)).toEqual(projectionSnapshot(a.session));
  });
});
