/**
 * The blob tables (migration 004): chunks written under an upload id while the bytes arrive, a
 * `blobs` row once they are verified, and `workspace_blobs` saying which workspace may read which.
 * Chunks are never changed after they are written, so a download reads them one statement at a
 * time without a transaction.
 */
import type { Db, Queryable } from '../db/db';

/** Bytes per stored chunk: small enough to hold in memory per upload, large enough to keep rows few. */
export const CHUNK_BYTES = 1024 * 1024;

/** An upload whose process died leaves its chunks; this long after its start they are swept. */
export const STALE_UPLOAD_MS = 24 * 60 * 60 * 1000;

export interface StoredBlob {
  sha256: string;
  size: number;
  uploadId: string;
}

export async function startUpload(q: Queryable, uploadId: string): Promise<void> {
  await q.query('INSERT INTO blob_uploads (id) VALUES ($1)', [uploadId]);
}

export async function writeChunk(q: Queryable, uploadId: string, idx: number, data: Uint8Array): Promise<void> {
  await q.query('INSERT INTO blob_chunks (upload_id, idx, data) VALUES ($1, $2, $3)', [uploadId, idx, data]);
}

/** Deletes an upload's chunks (one that failed, was cut off, or whose bytes were stored by another meanwhile). */
export async function dropUpload(q: Queryable, uploadId: string): Promise<void> {
  await q.query('DELETE FROM blob_uploads WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM blobs WHERE upload_id = $1)', [uploadId]);
}

/**
 * Makes a verified upload the blob `sha256`; false when that blob exists already (stored before,
 * or by a concurrent upload that committed first: PostgreSQL makes this insert wait for the other
 * transaction's row and then skips it), in which case the caller drops its own chunks.
 */
export async function insertBlob(q: Queryable, b: StoredBlob): Promise<boolean> {
  const rows = await q.query('INSERT INTO blobs (sha256, size, upload_id) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING RETURNING sha256', [b.sha256, b.size, b.uploadId]);
  return rows.length === 1;
}

export async function blobExists(q: Queryable, sha256: string): Promise<boolean> {
  return (await q.query('SELECT 1 FROM blobs WHERE sha256 = $1', [sha256])).length === 1;
}

/** Gives a workspace a blob; false when it had it already. */
export async function linkBlob(q: Queryable, l: { workspaceId: string; sha256: string; size: number; createdBy: string }): Promise<boolean> {
  const rows = await q.query('INSERT INTO workspace_blobs (workspace_id, sha256, size, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING RETURNING sha256', [l.workspaceId, l.sha256, l.size, l.createdBy]);
  return rows.length === 1;
}

/** The blob as this workspace may read it; null when the workspace has no such blob (whoever else has it). */
export async function blobOfWorkspace(q: Queryable, workspaceId: string, sha256: string): Promise<StoredBlob | null> {
  const rows = await q.query<{ size: string | number; upload_id: string }>(
    'SELECT b.size, b.upload_id FROM workspace_blobs w JOIN blobs b ON b.sha256 = w.sha256 WHERE w.workspace_id = $1 AND w.sha256 = $2',
    [workspaceId, sha256],
  );
  const row = rows[0];
  return row ? { sha256, size: Number(row.size), uploadId: row.upload_id } : null;
}

export async function readChunk(q: Queryable, uploadId: string, idx: number): Promise<Uint8Array | null> {
  const rows = await q.query<{ data: Uint8Array }>('SELECT data FROM blob_chunks WHERE upload_id = $1 AND idx = $2', [uploadId, idx]);
  return rows[0]?.data ?? null;
}

/** Deletes chunks of uploads that started over `olderThanMs` ago and never became a blob; how many uploads. */
export async function sweepStaleUploads(db: Db, olderThanMs = STALE_UPLOAD_MS): Promise<number> {
  const rows = await db.query(
    `DELETE FROM blob_uploads u WHERE u.started_at < now() - make_interval(secs => $1)
     AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.upload_id = u.id) RETURNING u.id`,
    [olderThanMs / 1000],
  );
  return rows.length;
}
