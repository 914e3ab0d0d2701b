/**
 * Server-side reads and writes of documents (the REST API's), through the same path as a socket's
 * updates: a change is made on a scratch copy of the document, its update is committed through the
 * document's write queue, and only then applied to the open document, broadcast to its sockets
 * and announced to other processes (fan-out). `update` resolves after the commit, so an HTTP
 * answer sent after it never claims a write that could be lost.
 *
 * Changes to one document made through one DocAccess run one at a time: each sees every earlier
 * one (a change that reads, e.g. the highest autonumber, then writes is not interleaved).
 */
import * as Y from 'yjs';
import type { DocRegistry } from './doc-registry';
import type { DocRef } from './doc-store';

export interface DocAccess {
  /** A copy of the document's committed state; the caller owns it. */
  read(ref: DocRef): Promise<Y.Doc>;
  /**
   * Runs `change` on the current state (in one transaction) and commits what it changed; resolves
   * with `change`'s result after the commit. A change that changes nothing writes nothing. Rejects
   * when the update could not be stored (the document is then unchanged).
   */
  update<T>(ref: DocRef, change: (doc: Y.Doc) => T): Promise<T>;
}

const keyOf = (ref: DocRef): string => `${ref.workspaceId}\u0000${ref.name}`;
const newClientId = (): number => new Y.Doc().clientID;

export function createDocAccess(registry: DocRegistry): DocAccess {
  // One Yjs client id for this process's server-side writes (a new one after a failed store, whose
  // outcome may be unknown): a random id per write would grow every state vector by one entry.
  // Safe because writes to one document are serialized and each starts from the state holding
  // every earlier write of this id.
  let clientId = newClientId();
  const tails = new Map<string, Promise<void>>();

  function serialized<T>(ref: DocRef, run: () => Promise<T>): Promise<T> {
    const key = keyOf(ref);
    const result = (tails.get(key) ?? Promise.resolve()).then(run);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  }

  return {
    read: (ref) =>
      registry.borrow(ref, async (live) => {
        const copy = new Y.Doc();
        Y.applyUpdate(copy, Y.encodeStateAsUpdate(live.ydoc));
        return copy;
      }),

    update: <T>(ref: DocRef, change: (doc: Y.Doc) => T) =>
      serialized(ref, () =>
        registry.borrow(ref, async (live) => {
          const scratch = new Y.Doc({ gc: true });
          Y.applyUpdate(scratch, Y.encodeStateAsUpdate(live.ydoc));
          // Set after the load: Yjs gives a doc a new id when a load holds structs of its own id.
          scratch.clientID = clientId;
          const parts: Uint8Array[] = [];
          scratch.on('update', (u: Uint8Array) => parts.push(u));
          let result!: T;
          try {
            scratch.transact(() => {
              result = change(scratch);
            });
          } finally {
            scratch.destroy();
          }
          if (parts.length === 0) return result;
          const update = parts.length === 1 ? parts[0]! : Y.mergeUpdates(parts);
          const stored = await new Promise<boolean>((resolve) => live.write(update, null, true, resolve));
          if (!stored) {
            clientId = newClientId();
            throw new Error(`The change to document '${ref.name}' could not be stored.`);
          }
          return result;
        }),
      ),
  };
}
