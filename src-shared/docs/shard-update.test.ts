import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { encodeNewShard } from './shard-update';
import { readRecord, recordIds, recordsMap, setCell, type RecordBase } from './table-doc';

function sample(count: number): { ids: string[]; bases: RecordBase[] } {
  const ids: string[] = [];
  const bases: RecordBase[] = [];
  for (let i = 0; i < count; i++) {
    ids.push(`rec${String(i).padStart(14, '0')}`);
    bases.push({
      c: 1_700_000_000_000 + i,
      n: i + 1,
      v: i % 3 === 0 ? {} : { fldAAAAAAAAAAAAAA: `text ${i} déjà`, fldBBBBBBBBBBBBBB: i * 1.5, fldCCCCCCCCCCCCCC: i % 2 === 0, fldDDDDDDDDDDDDDD: ['a', 'b'], fldEEEEEEEEEEEEEE: { x: null } },
    });
  }
  return { ids, bases };
}

describe('encodeNewShard', () => {
  it('gives byte for byte the update Yjs emits for the same records set in a fresh doc', () => {
    const { ids, bases } = sample(300);
    const doc = new Y.Doc();
    doc.clientID = 123456789;
    let emitted: Uint8Array | null = null;
    doc.on('update', (u: Uint8Array) => (emitted = u));
    doc.transact(() => ids.forEach((id, i) => recordsMap(doc).set(id, bases[i]!)));
    const mine = encodeNewShard(123456789, ids, bases);
    expect(Buffer.from(mine).equals(Buffer.from(emitted!))).toBe(true);
    expect(Buffer.from(mine).equals(Buffer.from(Y.encodeStateAsUpdate(doc)))).toBe(true);
  });

  it('loads into a doc holding exactly those records, which then edits and merges like any other', () => {
    const { ids, bases } = sample(50);
    const doc = new Y.Doc();
    Y.applyUpdate(doc, encodeNewShard(42, ids, bases));
    expect([...recordIds(doc)].sort()).toEqual([...ids].sort());
    const rec = readRecord(doc, ids[4]!, ['fldAAAAAAAAAAAAAA', 'fldBBBBBBBBBBBBBB'])!;
    expect(rec).toMatchObject({ createdAt: bases[4]!.c, autonumber: 5, values: { fldAAAAAAAAAAAAAA: 'text 4 déjà', fldBBBBBBBBBBBBBB: 6 } });
    // A replica that edits a cell converges with one that received only the shard.
    const other = new Y.Doc();
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc));
    setCell(doc, ids[4]!, 'fldAAAAAAAAAAAAAA', 'edited', 1);
    Y.applyUpdate(other, Y.encodeStateAsUpdate(doc, Y.encodeStateVector(other)));
    expect(readRecord(other, ids[4]!, ['fldAAAAAAAAAAAAAA'])!.values.fldAAAAAAAAAAAAAA).toBe('edited');
  });

  it('an empty shard is a valid empty update', () => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, encodeNewShard(7, [], []));
    expect([...recordIds(doc)]).toEqual([]);
  });
});
