/**
 * Looking inside Yjs updates (format V1) without applying them: is an update well-formed, and does
 * it add anything to a document? Both read the update once, in time proportional to its size (not
 * the document's), so every incoming update can be checked.
 */
import * as Y from 'yjs';

export type UpdateCheck = { ok: true; news: boolean } | { ok: false; reason: string };

/**
 * Whether `update` decodes, and (`news`) whether it holds content or deletions `doc` lacks. A
 * reconnecting client's sync step 2 repeats every deletion it knows; those add nothing.
 */
export function checkUpdate(doc: Y.Doc | null, update: Uint8Array): UpdateCheck {
  let decoded: ReturnType<typeof Y.decodeUpdate>;
  try {
    decoded = Y.decodeUpdate(update);
  } catch {
    return { ok: false, reason: 'a malformed Yjs update' };
  }
  if (doc === null) return { ok: true, news: decoded.structs.length > 0 || decoded.ds.clients.size > 0 };
  try {
    return { ok: true, news: addsToDoc(doc, decoded) };
  } catch {
    return { ok: false, reason: 'a Yjs update with an impossible delete set' };
  }
}

function addsToDoc(doc: Y.Doc, decoded: ReturnType<typeof Y.decodeUpdate>): boolean {
  const store = doc.store;
  for (const s of decoded.structs) {
    if (s instanceof Y.Skip) continue;
    if (Y.getState(store, s.id.client) < s.id.clock + s.length) return true;
  }
  for (const [client, ranges] of decoded.ds.clients) {
    if (ranges.length === 0) continue;
    const structs = store.clients.get(client);
    const state = Y.getState(store, client);
    for (const r of ranges) {
      if (r.len === 0) continue;
      if (!structs || r.clock + r.len > state) return true;
      let i = Y.findIndexSS(structs, r.clock);
      for (; i < structs.length; i++) {
        const s = structs[i];
        if (!s || s.id.clock >= r.clock + r.len) break;
        if (!s.deleted) return true;
      }
    }
  }
  return false;
}

/** Merges updates (a snapshot and the updates after it) into one. */
export function mergeAll(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 0) return new Uint8Array([0, 0]);
  if (parts.length === 1 && parts[0]) return parts[0];
  return Y.mergeUpdates(parts);
}

/**
 * The state of a document made of `parts`, garbage-collected (deleted content dropped), as one
 * update: what compaction stores. Throws when a part does not apply.
 */
export function compactState(parts: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.applyUpdate(doc, mergeAll(parts));
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}
