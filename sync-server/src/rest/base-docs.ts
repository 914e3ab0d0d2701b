/**
 * A base's documents on the server, in the shapes the app syncs (src-shared/docs):
 *   `<baseId>/schema`                    the schema doc (tables, fields, views, shards)
 *   `<baseId>/<tableId>/<shardId>`       a shard doc (records of a table)
 * and reading a table's records out of its shards.
 */
import type * as Y from 'yjs';
import { SCHEMA_DOC_ID, tableMap, listShards } from '../../../src-shared/docs/schema-doc';
import { recordIds, recordReader, shardDocId, type RecordState } from '../../../src-shared/docs/table-doc';
import type { TableSchema } from '../../../src-shared/schema/schema.types';
import type { DocAccess } from '../sync/doc-access';
import type { DocRef } from '../sync/doc-store';

/**
 * Records a shard holds before new records go to a new one. The engine's SHARD_CAPACITY
 * (src-main/engine/base/base-session.ts) is the same number but lives where the server may not import.
 */
export const SHARD_CAPACITY = 10_000;

export const schemaRef = (workspaceId: string, baseId: string): DocRef => ({ workspaceId, name: `${baseId}/${SCHEMA_DOC_ID}` });
export const shardRef = (workspaceId: string, baseId: string, tableId: string, shardId: string): DocRef => ({ workspaceId, name: `${baseId}/${shardDocId(tableId, shardId)}` });

/** Shards of a table, oldest first (by the createdAt the schema lists, then id). */
export function shardsByAge(schemaDoc: Y.Doc, tableId: string): string[] {
  const t = tableMap(schemaDoc, tableId);
  const shards = t?.get('shards') as Y.Map<{ createdAt?: number }> | undefined;
  const at = (id: string): number => {
    const v = shards?.get(id)?.createdAt;
    return typeof v === 'number' ? v : 0;
  };
  return listShards(schemaDoc, tableId).sort((a, b) => at(a) - at(b) || (a < b ? -1 : a > b ? 1 : 0));
}

export interface StoredRecordState extends RecordState {
  id: string;
  shardId: string;
}

/** Every record of a table, from all its shards (each shard read once, in parallel). */
export async function readTableRecords(docs: DocAccess, workspaceId: string, baseId: string, table: TableSchema, shardIds: readonly string[]): Promise<StoredRecordState[]> {
  const fieldIds = table.fields.map((f) => f.id);
  const perShard = await Promise.all(
    shardIds.map(async (shardId) => {
      const doc = await docs.read(shardRef(workspaceId, baseId, table.id, shardId));
      try {
        const read = recordReader(doc, fieldIds);
        const out: StoredRecordState[] = [];
        for (const id of recordIds(doc)) {
          const r = read(id);
          if (r) out.push({ ...r, id, shardId });
        }
        return out;
      } finally {
        doc.destroy();
      }
    }),
  );
  return perShard.flat();
}
