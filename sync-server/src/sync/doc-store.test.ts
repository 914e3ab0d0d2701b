/**
 * Document storage on PGlite (and PostgreSQL with DATABASE_URL): appends commit before they
 * resolve and load back merged; oversize and malformed updates are refused with a reason;
 * compaction keeps the state and never loses an update appended while it runs (randomized).
 */
import * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { DocStore, type DocRef } from './doc-store';
import { migrateDocs } from './testing/table-authenticator';

const ref: DocRef = { workspaceId: 'ws1', name: 'tbl1/shard1' };

function docFrom(update: Uint8Array): Y.Doc {
  const d = new Y.Doc();
  Y.applyUpdate(d, update);
  return d;
}

/** A doc whose every change is captured as an update. */
function writer(clientId?: number): { doc: Y.Doc; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  if (clientId !== undefined) doc.clientID = clientId;
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  return { doc, updates };
}

/** Deterministic randomness, so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe.each(testDatabases())('document store on $name', (d) => {
  it('loads back what was appended, merged, and keeps documents apart', async () => {
    const { db, drop } = await d.open();
    try {
      await migrateDocs(db);
      const store = new DocStore(db);
      const w = writer();
      w.doc.getMap('records').set('r1', { v: 1 });
      w.doc.getMap('records').set('r2', { v: 2 });
      w.doc.getMap('records').delete('r1');
      for (const u of w.updates) expect((await store.append(ref, u)).ok).toBe(true);
      await store.append({ workspaceId: 'ws2', name: ref.name }, w.updates[0] ?? new Uint8Array());
      const loaded = await store.load(ref);
      expect(loaded.updateRows).toBe(3);
      expect(docFrom(loaded.state).getMap('records').toJSON()).toEqual({ r2: { v: 2 } });
      expect(docFrom((await store.load({ workspaceId: 'ws2', name: ref.name })).state).getMap('records').toJSON()).toEqual({ r1: { v: 1 } });
      const empty = await store.load({ workspaceId: 'ws1', name: 'never-written' });
      expect(docFrom(empty.state).getMap('records').size).toBe(0);
    } finally {
      await drop();
    }
  });

  it('refuses an oversize or malformed update with a reason, storing nothing', async () => {
    const { db, drop } = await d.open();
    try {
      await migrateDocs(db);
      const store = new DocStore(db, { maxUpdateBytes: 1000 });
      const w = writer();
      w.doc.getText('t').insert(0, 'x'.repeat(2000));
      const big = await store.append(ref, w.updates[0] ?? new Uint8Array());
      expect(big).toMatchObject({ ok: false, code: 'update-too-large' });
      expect(big.ok ? '' : big.message).toContain('over the limit of 1000 bytes');
      const bad = await store.append(ref, new Uint8Array([5, 200, 1, 2, 3]));
      expect(bad).toMatchObject({ ok: false, code: 'update-malformed' });
      expect(await store.updateRows(ref)).toBe(0);
    } finally {
      await drop();
    }
  });

  it('compacts into a snapshot with the same state; rows after through_seq stay', async () => {
    const { db, drop } = await d.open();
    try {
      await migrateDocs(db);
      const store = new DocStore(db);
      const w = writer();
      const seqs: number[] = [];
      for (let i = 0; i < 10; i++) {
        w.doc.getMap('m').set(`k${i}`, i);
        const r = await store.append(ref, w.updates[i] ?? new Uint8Array());
        if (r.ok) seqs.push(...r.seqs);
      }
      const through = seqs[5] ?? 0;
      expect(await store.compact(ref, { throughSeq: through })).toEqual({ merged: 6, throughSeq: through });
      expect(await store.updateRows(ref)).toBe(4);
      expect(docFrom((await store.load(ref)).state).getMap('m').toJSON()).toEqual(w.doc.getMap('m').toJSON());
      // What another process reads after a NOTIFY: a compacted row comes back inside the snapshot.
      const fromNotice = docFrom(Y.mergeUpdates(await store.readUpdates((await store.load(ref)).docId, [seqs[2] ?? 0])));
      expect(fromNotice.getMap('m').get('k2')).toBe(2);
      expect((await store.compact(ref)).merged).toBe(4);
      expect((await store.compact(ref)).merged).toBe(0);
      expect(await store.updateRows(ref)).toBe(0);
      expect(docFrom((await store.load(ref)).state).getMap('m').toJSON()).toEqual(w.doc.getMap('m').toJSON());
    } finally {
      await drop();
    }
  });

  it('loses no update appended while compactions run (randomized)', async () => {
    const seed = Number(process.env.SYNC_TEST_SEED ?? Date.now() % 1_000_000);
    const random = rng(seed);
    const { db, drop } = await d.open();
    try {
      await migrateDocs(db);
      // Two stores: two id caches, as two processes would have.
      const stores = [new DocStore(db), new DocStore(db)];
      const writers = [0, 1, 2, 3].map((i) => writer(1000 + i));
      const perWriter = 60;
      let done = false;
      const appendAll = writers.map(async (w, wi) => {
        for (let j = 0; j < perWriter; j++) {
          w.doc.getMap('m').set(`w${wi}-${j}`, j);
          if (random() < 0.2) w.doc.getMap('m').delete(`w${wi}-${j}`);
          if (random() < 0.3) await new Promise((r) => setTimeout(r, Math.floor(random() * 3)));
          // Appends of one writer are sent in order but not awaited one by one: several in flight.
          while (w.updates.length > 0) {
            const u = w.updates.shift() ?? new Uint8Array();
            const store = stores[wi % 2] ?? stores[0];
            const r = await store?.append(ref, u);
            if (!r?.ok) throw new Error('append failed');
          }
        }
      });
      let compactions = 0;
      const compactor = (async () => {
        while (!done) {
          const store = stores[compactions % 2];
          if (random() < 0.5) await store?.compact(ref);
          else await store?.compact(ref, { throughSeq: Math.floor(random() * 1000) });
          compactions++;
          await new Promise((r) => setTimeout(r, Math.floor(random() * 4)));
        }
      })();
      await Promise.all(appendAll);
      done = true;
      await compactor;
      const expected: Record<string, number> = {};
      for (const w of writers) Object.assign(expected, w.doc.getMap('m').toJSON());
      const state = (await stores[0]?.load(ref))?.state ?? new Uint8Array();
      expect(docFrom(state).getMap('m').toJSON(), `seed ${seed}`).toEqual(expected);
      expect(compactions, `seed ${seed}`).toBeGreaterThan(3);
      // And once more after a final compaction, from the snapshot alone.
      await stores[1]?.compact(ref);
      expect(await stores[1]?.updateRows(ref)).toBe(0);
      expect(docFrom((await stores[1]?.load(ref))?.state ?? new Uint8Array()).getMap('m').toJSON(), `seed ${seed}`).toEqual(expected);
    } finally {
      await drop();
    }
  });
});
