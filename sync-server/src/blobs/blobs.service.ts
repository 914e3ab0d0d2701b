/**
 * Attachment blobs: receiving an upload as a stream (hashed while it arrives, stored in 1 MiB
 * chunks, kept only when the bytes hash to their name) and sending one back chunk by chunk. At
 * most one chunk per upload or download is in memory; the request is paused while a chunk is
 * written, so a fast client waits for the database instead of filling the server's memory.
 *
 * Bytes already stored for another workspace are not stored again, but the uploader still sends
 * them all and they must hash right: a workspace gets a blob only by proving it has the bytes,
 * never by knowing a hash.
 */
import crypto from 'node:crypto';
import type http from 'node:http';
import type { Logger } from 'pino';
import { err, ok } from '../../../src-shared/errors';
import type { Db } from '../db/db';
import { fail, type Outcome } from '../http/failures';
import { newServerId } from '../ids';
import { CHUNK_BYTES, blobExists, blobOfWorkspace, dropUpload, insertBlob, linkBlob, readChunk, startUpload, sweepStaleUploads, writeChunk, type StoredBlob } from './blobs.repo';

export const SHA256_RE = /^[0-9a-f]{64}$/;

/** An upload that sends nothing for this long is cut off (its chunks deleted). */
export const DEFAULT_UPLOAD_IDLE_MS = 60_000;

/** How often a process sweeps chunks left by uploads whose process died. */
const SWEEP_EVERY_MS = 60 * 60 * 1000;

export interface UploadTarget {
  workspaceId: string;
  sha256: string;
  /** The declared Content-Length (already checked against the limit). */
  size: number;
  userId: string;
}

/** The request stream failed (cut off, idle too long): the client's doing, not a server error. */
class StreamFailed extends Error {}

export class BlobsService {
  private sweeper: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly uploadIdleMs = DEFAULT_UPLOAD_IDLE_MS,
  ) {}

  /** The blob when this workspace has it (another workspace having the same bytes does not count). */
  find(workspaceId: string, sha256: string): Promise<StoredBlob | null> {
    return blobOfWorkspace(this.db, workspaceId, sha256);
  }

  /**
   * Reads the request body (exactly `size` bytes) and gives the workspace the blob when the bytes
   * hash to `sha256`. `created`: this request gave it (false when a concurrent upload to the same
   * workspace did). Nothing is kept when the bytes do not match or the client stops sending.
   */
  async receive(req: http.IncomingMessage, t: UploadTarget): Promise<Outcome<{ created: boolean }>> {
    // Bytes that are stored already are only hashed (proof of possession), not written again.
    const store = !(await blobExists(this.db, t.sha256));
    const uploadId = newServerId('upl');
    if (store) await startUpload(this.db, uploadId);
    const hash = crypto.createHash('sha256');
    const pending = Buffer.allocUnsafe(store ? Math.min(CHUNK_BYTES, t.size) : 0);
    let filled = 0;
    let idx = 0;
    let received = 0;
    try {
      await consume(req, this.uploadIdleMs, async (piece) => {
        received += piece.length;
        // HTTP framing already stops a body at its Content-Length; this keeps the buffer arithmetic safe regardless.
        if (received > t.size) throw new StreamFailed(`more than the ${t.size} bytes declared`);
        hash.update(piece);
        if (!store) return;
        for (let at = 0; at < piece.length; ) {
          const n = Math.min(piece.length - at, pending.length - filled);
          piece.copy(pending, filled, at, at + n);
          filled += n;
          at += n;
          if (filled === pending.length) {
            await writeChunk(this.db, uploadId, idx++, pending);
            filled = 0;
          }
        }
      });
      if (received !== t.size) throw new StreamFailed(`received ${received} of ${t.size} bytes`);
      if (store && filled > 0) await writeChunk(this.db, uploadId, idx++, pending.subarray(0, filled));
      const digest = hash.digest('hex');
      if (digest !== t.sha256) {
        await this.drop(store, uploadId);
        return err(fail('INVALID_REQUEST', `The bytes sent hash to ${digest}, not ${t.sha256}; nothing was kept.`));
      }
      const created = await this.db.tx(async (q) => {
        // Lost a race to the same bytes: theirs are kept, ours go.
        if (store && !(await insertBlob(q, { sha256: t.sha256, size: t.size, uploadId }))) await dropUpload(q, uploadId);
        return linkBlob(q, { workspaceId: t.workspaceId, sha256: t.sha256, size: t.size, createdBy: t.userId });
      });
      return ok({ created });
    } catch (e) {
      await this.drop(store, uploadId);
      if (e instanceof StreamFailed) return err(fail('INVALID_REQUEST', 'The upload was cut off before its end; nothing was kept.'));
      throw e;
    }
  }

  /** Writes the blob's bytes to `res` (whose headers are sent), waiting for the client to read each chunk. */
  async send(res: http.ServerResponse, blob: StoredBlob): Promise<void> {
    const count = Math.ceil(blob.size / CHUNK_BYTES);
    const read = (idx: number): Promise<Uint8Array> =>
      readChunk(this.db, blob.uploadId, idx).then((data) => {
        if (!data) throw new Error(`blob ${blob.sha256}: chunk ${idx} of ${count} is missing`);
        return data;
      });
    // One chunk read ahead while the previous one goes out.
    let next = count > 0 ? read(0) : null;
    for (let idx = 0; next; idx++) {
      const data = await next;
      next = idx + 1 < count ? read(idx + 1) : null;
      if (!(await write(res, data))) {
        next?.catch(() => undefined);
        return;
      }
    }
    res.end();
  }

  /** Sweeps stale uploads now and then every hour (unref'd: never keeps the process alive). */
  startSweeping(): void {
    const sweep = (): void => {
      sweepStaleUploads(this.db)
        .then((n) => {
          if (n > 0) this.logger.info({ uploads: n }, 'deleted chunks of abandoned uploads');
        })
        .catch((e: unknown) => this.logger.warn({ err: e }, 'sweeping abandoned uploads failed'));
    };
    sweep();
    this.sweeper = setInterval(sweep, SWEEP_EVERY_MS).unref();
  }

  stop(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  private async drop(stored: boolean, uploadId: string): Promise<void> {
    if (!stored) return;
    // If this fails too, the sweep deletes them later.
    await dropUpload(this.db, uploadId).catch((e: unknown) => this.logger.warn({ err: e }, 'could not delete the chunks of a failed upload'));
  }
}

/**
 * Feeds the body to `onPiece` one piece at a time, pausing the request while it works; rejects
 * with StreamFailed when the client is gone or sends nothing for `idleMs` (time spent in `onPiece`
 * does not count). When `onPiece` fails, the rest of the body is discarded so the connection
 * can carry the error reply.
 */
function consume(req: http.IncomingMessage, idleMs: number, onPiece: (piece: Buffer) => Promise<void>): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let busy = false;
    let ended = false;
    let settled = false;
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => req.destroy(new StreamFailed('idle')), idleMs);
    };
    const finish = (e?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError).off('close', onClose);
      if (e === undefined) resolve();
      else reject(e);
    };
    const onData = (piece: Buffer): void => {
      clearTimeout(timer);
      busy = true;
      req.pause();
      onPiece(piece).then(
        () => {
          busy = false;
          if (ended) return finish();
          arm();
          req.resume();
        },
        (e: unknown) => {
          finish(e);
          req.resume();
        },
      );
    };
    const onEnd = (): void => {
      ended = true;
      if (!busy) finish();
    };
    const onError = (e: unknown): void => finish(e instanceof StreamFailed ? e : new StreamFailed(String(e)));
    const onClose = (): void => {
      if (!ended) finish(new StreamFailed('closed'));
    };
    req.on('data', onData).on('end', onEnd).on('error', onError).on('close', onClose);
    arm();
  });
}

/** Writes a chunk, waiting while the client's buffer is full; false when the client is gone. */
function write(res: http.ServerResponse, data: Uint8Array): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(data)) return Promise.resolve(true);
  return new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => (): void => {
      res.off('drain', drained).off('close', closed);
      resolve(ok);
    };
    const drained = done(true);
    const closed = done(false);
    res.on('drain', drained).on('close', closed);
  });
}
