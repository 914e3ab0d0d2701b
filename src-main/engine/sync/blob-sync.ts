/**
 * Attachment bytes between a synced base and its server, which keeps them by SHA-256 per workspace
 * (`/api/v1/workspaces/<id>/blobs/<sha256>`). Cells carry each attachment's hash (`AttachmentRef.sha256`),
 * so a replica that receives a cell can list the attachment and fetch its bytes.
 *
 * A pass, run shortly after the socket opens and after changes: (1) attachments that cells refer to
 * but this base has not listed are listed (their refs carry name, size, type and hash); (2) bytes
 * listed but not here are downloaded, checked against their hash, and stored; (3) for editors,
 * bytes here the server has not confirmed are uploaded (a HEAD first: the same bytes are sent once
 * per workspace). A failed transfer is tried again on the next pass; the base's records never wait
 * for bytes.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { BaseContext } from '../base/base-context';
import { BlobStore } from '../attachments/blob-store';
import { fieldColumn, projectionTable } from '../projection/projection-names';
import type { ServerSession } from './server-api';
import { logger } from '../logger';

const log = logger.child({ module: 'blob-sync' });

/** Debounce of passes after changes. */
const PASS_DELAY_MS = 300;
const TRANSFER_TIMEOUT_MS = 10 * 60_000;
const RETRY_MIN_MS = 1_000;
const RETRY_MAX_MS = 5 * 60_000;

export class BlobSync {
  /** Hashes the server has for this workspace (seen or uploaded this session). */
  private readonly confirmed = new Set<string>();
  /** Hashes the server refused for good (too large): not offered again this session. */
  private readonly refusedHashes = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  /**
   * A later pass for bytes the server did not have yet (their uploader may still be sending them,
   * or be offline for days): not counted as busy, so the base shows as synced meanwhile.
   */
  private retryTimer: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  /** The next pass lists the attachments cells refer to first. */
  private listRefs = true;
  /** The last pass left transfers to try again. */
  private pendingWork = true;
  /** The attachments table as the last full pass saw it (rows and the highest rowid). */
  private lastMark = '';
  private running = false;
  private again = false;
  private closed = false;
  /** Transfers going on (0 when idle), for the base's status. */
  transfers = 0;
  /** Bytes of this base the server does not have yet after the last pass (their uploads failed). */
  unsent = 0;
  /** Why the server refused bytes for good (over its size limit), or null. */
  refused: string | null = null;
  /** Aborts every transfer when syncing stops. */
  private readonly abort = new AbortController();

  constructor(
    private readonly ctx: BaseContext,
    private readonly session: ServerSession,
    private readonly workspaceId: string,
    private readonly can: { upload(): boolean; online(): boolean },
    onActivity: () => void,
    /** Bytes arrived (a drawing among them is read here, for search and previews). */
    private readonly downloaded: (sha256: string, name: string, signal: AbortSignal) => Promise<unknown> = async () => undefined,
  ) {
    this.onActivity = () => {
      if (!this.closed) onActivity();
    };
  }

  private readonly onActivity: () => void;

  /** Whether any table has an attachment field (otherwise passes are skipped). */
  private hasAttachmentFields(): boolean {
    return this.ctx.session.schema().tables.some((t) => t.fields.some((f) => f.type === 'attachment'));
  }

  /**
   * A pass soon. `listRefs`: first list attachments cells refer to that this base lacks (a scan of
   * the attachment columns, needed only after the server's changes: a change made here lists its
   * attachments itself).
   */
  schedule(listRefs = false, delayMs = PASS_DELAY_MS): void {
    if (listRefs) this.listRefs = true;
    if (this.closed || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // No longer busy once the pass ends, whatever it found to do: say so.
      void this.pass().finally(() => this.onActivity());
    }, delayMs);
    this.timer.unref();
  }

  get busy(): boolean {
    return this.running || this.timer !== null;
  }

  private async pass(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.closed || !this.can.online() || this.ctx.session.isClosed || !this.hasAttachmentFields()) return;
    this.running = true;
    try {
      const listed = this.listRefs;
      if (this.listRefs) {
        // Cleared first: a server change arriving meanwhile sets it again for the next pass.
        this.listRefs = false;
        try {
          await this.ctx.lock.run(() => !this.ctx.session.isClosed && listReferenced(this.ctx));
        } catch (e) {
          this.listRefs = true;
          throw e;
        }
      }
      // After a change made here, nothing to do unless attachments were added since a pass that
      // left nothing behind (edits to other cells must not cost a look at every file).
      const mark = this.attachmentsMark();
      if (!listed && !this.pendingWork && mark === this.lastMark) return;
      this.lastMark = mark;
      const store = BlobStore.beside(this.ctx.session.file);
      const hashes = (this.ctx.session.readDb.prepare('SELECT DISTINCT sha256 FROM attachments').all() as Array<{ sha256: string }>).map((r) => r.sha256);
      let short = false;
      let unsent = 0;
      for (const sha of hashes) {
        if (this.closed || !this.can.online()) {
          short = true; // stopped part way: the next pass looks again
          break;
        }
        if (!store.has(sha)) short = !(await this.transfer(() => this.download(store, sha))) || short;
        else if (this.can.upload() && !this.confirmed.has(sha) && !this.refusedHashes.has(sha)) {
          const done = await this.transfer(() => this.upload(store, sha));
          if (!done) unsent++;
          short = !done || short;
        }
      }
      this.unsent = unsent;
      this.pendingWork = short;
      if (short && !this.closed) this.retryLater();
      else this.retryMs = RETRY_MIN_MS;
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'attachment pass failed; it runs again after the next change');
    } finally {
      this.running = false;
      if (this.again && !this.closed) {
        this.again = false;
        this.schedule();
      }
    }
  }

  private retryLater(): void {
    if (this.closed || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.schedule(false, 0);
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  /** Runs one transfer; false when it did not complete (tried again later). */
  private async transfer(fn: () => Promise<boolean>): Promise<boolean> {
    this.transfers++;
    try {
      return await fn();
    } catch (e) {
      log.warn({ err: (e as Error).message }, 'attachment transfer failed; tried again later');
      return false;
    } finally {
      this.transfers--;
    }
  }

  private url(sha: string): string {
    return `${this.session.server}/api/v1/workspaces/${encodeURIComponent(this.workspaceId)}/blobs/${sha}`;
  }

  private async download(store: BlobStore, sha: string): Promise<boolean> {
    const res = await fetch(this.url(sha), {
      headers: { authorization: `Bearer ${await this.session.accessToken()}` },
      signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(TRANSFER_TIMEOUT_MS)]),
    });
    if (res.status === 404) {
      await res.body?.cancel();
      return false; // Not uploaded yet (its owner is offline, or still sending): a later pass fetches it.
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      if (res.status === 401) this.session.invalidate();
      throw new Error(`download of ${sha.slice(0, 12)} answered ${res.status}`);
    }
    // No more bytes than the attachment says it has (a broken or hostile server cannot fill the disk).
    const limit = this.expectedSize(sha);
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (limit !== null && Number.isFinite(declared) && declared > limit) {
      await res.body.cancel();
      throw new Error(`the server offers ${declared} bytes for ${sha.slice(0, 12)}, which has ${limit}`);
    }
    await store.putStream(Readable.fromWeb(res.body as WebReadableStream), sha, { signal: this.abort.signal, ...(limit !== null ? { maxBytes: limit } : {}) });
    this.confirmed.add(sha);
    await this.downloaded(sha, this.nameOf(sha), this.abort.signal).catch((e: unknown) =>
      log.warn({ err: (e as Error).message }, 'a synced drawing could not be read; its file is here, without previews'),
    );
    return true;
  }

  private async upload(store: BlobStore, sha: string): Promise<boolean> {
    const token = await this.session.accessToken();
    const head = await fetch(this.url(sha), { method: 'HEAD', headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(30_000)]) });
    if (head.ok) {
      this.confirmed.add(sha);
      return true;
    }
    if (head.status !== 404) throw new Error(`checking ${sha.slice(0, 12)} answered ${head.status}`);
    const file = store.pathOf(sha);
    const status = await putFile(this.url(sha), token, file, this.abort.signal);
    if (status === 413) {
      this.refusedHashes.add(sha);
      this.refused = `${this.session.server} refused an attachment as too large (${this.nameOf(sha)}, ${fs.statSync(file).size} bytes); others do not get its file. Ask the server's admin to raise MAX_BLOB_BYTES.`;
      return true;
    }
    if (status !== 200 && status !== 201) throw new Error(`upload of ${sha.slice(0, 12)} answered ${status}`);
    this.confirmed.add(sha);
    return true;
  }

  private attachmentsMark(): string {
    const r = this.ctx.session.readDb.prepare('SELECT count(*) AS n, max(rowid) AS top FROM attachments').get() as { n: number; top: number | null };
    return `${r.n}:${r.top ?? 0}`;
  }

  /** The size the base's attachments give for these bytes (the largest, if they disagree). */
  private expectedSize(sha: string): number | null {
    const row = this.ctx.session.readDb.prepare('SELECT max(size) AS size FROM attachments WHERE sha256 = ?').get(sha) as { size: number | null } | undefined;
    return typeof row?.size === 'number' ? row.size : null;
  }

  private nameOf(sha: string): string {
    const row = this.ctx.session.readDb.prepare('SELECT name FROM attachments WHERE sha256 = ? LIMIT 1').get(sha) as { name: string } | undefined;
    return row?.name ?? sha.slice(0, 12);
  }

  close(): void {
    this.closed = true;
    this.abort.abort();
    if (this.timer) clearTimeout(this.timer);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.timer = null;
    this.retryTimer = null;
  }
}

/** Lists attachments that cells refer to (with their hash) but this base has no row for. */
function listReferenced(ctx: BaseContext): number {
  const session = ctx.session;
  const insert = session.db.prepare('INSERT OR IGNORE INTO attachments (id, sha256, name, size, mime, created_at) VALUES (?, ?, ?, ?, ?, ?)');
  let n = 0;
  session.db.transaction(() => {
    for (const table of session.schema().tables) {
      if (!session.projector.tableExists(table.id)) continue;
      for (const field of table.fields) {
        if (field.type !== 'attachment') continue;
        const col = fieldColumn(field.id);
        const rows = session.db
          .prepare(
            `SELECT json_extract(a.value, '$.id') AS id, json_extract(a.value, '$.sha256') AS sha, json_extract(a.value, '$.name') AS name,
                    json_extract(a.value, '$.size') AS size, json_extract(a.value, '$.type') AS type
             FROM ${projectionTable(table.id)} AS p, json_each(p.${col}) AS a
             WHERE p.${col} IS NOT NULL AND json_valid(p.${col}) AND json_extract(a.value, '$.sha256') IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM attachments x WHERE x.id = json_extract(a.value, '$.id'))`,
          )
          .all() as Array<{ id: unknown; sha: unknown; name: unknown; size: unknown; type: unknown }>;
        for (const r of rows) {
          if (typeof r.id !== 'string' || typeof r.sha !== 'string' || !/^[0-9a-f]{64}$/.test(r.sha)) continue;
          insert.run(r.id, r.sha, typeof r.name === 'string' ? r.name : 'file', typeof r.size === 'number' ? r.size : 0, typeof r.type === 'string' ? r.type : 'application/octet-stream', session.now());
          n++;
        }
      }
    }
  })();
  return n;
}

/**
 * PUT a file's bytes, streamed, with its length; the HTTP status. The bytes go only once the server
 * says it will read them (`Expect: 100-continue`): a refusal (too large, no right to write) comes
 * before any byte is sent, and is never lost to a broken pipe.
 */
function putFile(url: string, token: string, file: string, signal: AbortSignal): Promise<number> {
  return new Promise((resolve, reject) => {
    const size = fs.statSync(file).size;
    const u = new URL(url);
    let answered = false;
    const req = (u.protocol === 'https:' ? https : http).request(u, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream', 'content-length': String(size), expect: '100-continue' },
      timeout: TRANSFER_TIMEOUT_MS,
    });
    req.on('continue', () => fs.createReadStream(file).on('error', (e) => req.destroy(e)).pipe(req));
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
      if (!req.writableEnded) req.destroy();
    });
    req.on('timeout', () => req.destroy(new Error('the upload timed out')));
    req.on('error', (e) => {
      if (!answered) reject(e);
    });
    signal.addEventListener('abort', () => req.destroy(new Error('syncing stopped')), { once: true });
    req.flushHeaders();
  });
}
