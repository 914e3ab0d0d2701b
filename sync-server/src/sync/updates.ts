/**
 * Merging and compacting stored updates. Checking an update (well-formed? anything new?) is in
 * src-shared/sync/yjs-updates.ts, shared with the engine.
 */
import * as Y from 'yjs';
export { checkUpdate, type UpdateCheck } from '../../../src-shared/sync/yjs-updates';

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
