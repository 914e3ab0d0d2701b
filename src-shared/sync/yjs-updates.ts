/**
 * Looking inside Yjs updates (format V1) without applying them: is an update well-formed, and does
 * it add anything to a document? Both read the update once, in time proportional to its size (not
 * the document's), so every incoming update can be checked. Shared by the sync server (every update
 * a client sends) and the engine (a server's step 2 repeats every deletion; storing it again would
 * add a row per doc per reconnect).
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
