/**
 * Every Yjs transaction carries a typed origin. Persistence, projection, undo and sync decide by it:
 * only `local` changes enter a client's undo stack; `remote` updates are stored as received.
 */
export const ORIGIN_KINDS = ['local', 'remote', 'import', 'extraction', 'migration'] as const;
export type OriginKind = (typeof ORIGIN_KINDS)[number];

export interface TxOrigin {
  kind: OriginKind;
  /** Who made the change: a user name or id; 'system' for migrations. */
  actor: string;
}
