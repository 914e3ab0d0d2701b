/**
 * The attachment files of a base: a content-addressed store in a folder beside the base file
 * (`parts.base` → `parts.base.files/ab/abcdef…`, named by the SHA-256 of the bytes). A file is
 * streamed in: hashed while it is copied to a temporary file in the store, which is then renamed
 * into place, or dropped when the same bytes are stored already. Nothing is read whole into
 * memory, and a failed or cancelled copy leaves nothing behind.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { EngineError } from '../../../src-shared/errors';

const SHA256_RE = /^[0-9a-f]{64}$/;

/** Files in the store younger than this may belong to work still running, and are not collected. */
export const RECENT_MS = 60 * 60 * 1000;

export interface StoredBlob {
  sha256: string;
  size: number;
  /** False when the same bytes were stored already. */
  added: boolean;
}

export interface PutOptions {
  signal?: AbortSignal;
  /** Bytes copied so far. */
  onProgress?: (bytes: number) => void;
  /** Refuse (keeping nothing) past this many bytes. */
  maxBytes?: number;
}

export class BlobStore {
  constructor(readonly dir: string) {}

  /** The store of the base at `baseFile`. */
  static beside(baseFile: string): BlobStore {
    return new BlobStore(`${path.resolve(baseFile)}.files`);
  }

  /** Where the bytes with this hash are (whether or not they are stored). */
  pathOf(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new Error(`BlobStore: not a SHA-256: ${JSON.stringify(sha256)}`);
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** Copies the file at `source` in, streamed; its hash and size. */
  async put(source: string, opts: PutOptions = {}): Promise<StoredBlob> {
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(source);
    } catch {
      throw new EngineError('FILE_NOT_FOUND', `No file at ${source}.`);
    }
    if (!stat.isFile()) throw new EngineError('INVALID_INPUT', `${source} is not a file.`);
    return this.ingest(() => fs.createReadStream(source), `Could not read ${source}`, path.basename(source), opts);
  }

  /**
   * Stores bytes arriving on a stream (a download), refusing them unless they hash to `expected`:
   * nothing is kept then.
   */
  async putStream(source: NodeJS.ReadableStream, expected: string, opts: PutOptions = {}): Promise<StoredBlob> {
    if (!SHA256_RE.test(expected)) throw new Error(`BlobStore: not a SHA-256: ${JSON.stringify(expected)}`);
    return this.ingest(() => source, 'The download failed', expected.slice(0, 12), opts, expected);
  }

  /** Whether the bytes with this hash are stored. */
  has(sha256: string): boolean {
    return fs.existsSync(this.pathOf(sha256));
  }

  private async ingest(open: () => NodeJS.ReadableStream, failure: string, label: string, opts: PutOptions, expected?: string): Promise<StoredBlob> {
    const tmpDir = path.join(this.dir, 'tmp');
    await fs.promises.mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    const hash = crypto.createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        size += chunk.length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          done(new Error(`more than the ${opts.maxBytes} bytes expected`));
          return;
        }
        opts.onProgress?.(size);
        done(null, chunk);
      },
    });
    try {
      const out = fs.createWriteStream(tmp, { flags: 'wx' });
      try {
        await pipeline(open(), tap, out, ...(opts.signal ? [{ signal: opts.signal }] : []));
      } catch (e) {
        if (opts.signal?.aborted) throw new EngineError('CANCELLED', `Copying ${label} was cancelled.`);
        throw new EngineError('INVALID_INPUT', `${failure}: ${(e as Error).message}`);
      }
      // On disk before it gets its name: a crash never leaves a named file with other bytes.
      const fd = await fs.promises.open(tmp, 'r');
      try {
        await fd.sync();
      } finally {
        await fd.close();
      }
      const sha256 = hash.digest('hex');
      if (expected !== undefined && sha256 !== expected) throw new EngineError('INTEGRITY', `The bytes received for ${expected} hash to ${sha256}; they were not kept.`);
      const target = this.pathOf(sha256);
      if (fs.existsSync(target)) return { sha256, size, added: false };
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.rename(tmp, target);
      return { sha256, size, added: true };
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  /**
   * The folder of preview files made from the bytes with this hash (thumbnails, DXF geometry):
   * `derived/<sha>/`, filled whole or not at all (see `adoptDerived`).
   */
  derivedDir(sha256: string): string {
    if (!SHA256_RE.test(sha256)) throw new Error(`BlobStore: not a SHA-256: ${JSON.stringify(sha256)}`);
    return path.join(this.dir, 'derived', sha256);
  }

  /** A new empty folder for a worker to write preview files into, then `adoptDerived`. */
  async derivedScratch(): Promise<string> {
    const dir = path.join(this.dir, 'tmp', `derived-${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    await fs.promises.mkdir(dir, { recursive: true });
    return dir;
  }

  /**
   * Moves a filled scratch folder into place as the previews of `sha256`, replacing older ones (a
   * file read again by a newer extractor gets the new previews its reading lists).
   */
  async adoptDerived(scratch: string, sha256: string): Promise<void> {
    const target = this.derivedDir(sha256);
    const old = path.join(this.dir, 'tmp', `replaced-${process.pid}-${crypto.randomBytes(8).toString('hex')}`);
    try {
      await fs.promises.mkdir(path.dirname(target), { recursive: true });
      await fs.promises.mkdir(path.dirname(old), { recursive: true });
      // Aside first, then in: a folder is never half old and half new.
      await fs.promises.rename(target, old).catch((e: NodeJS.ErrnoException) => {
        if (e.code !== 'ENOENT') throw e;
      });
      await fs.promises.rename(scratch, target);
    } finally {
      await fs.promises.rm(scratch, { recursive: true, force: true });
      await fs.promises.rm(old, { recursive: true, force: true });
    }
  }

  /** Removes the bytes with this hash (nothing when absent). */
  async remove(sha256: string): Promise<void> {
    await fs.promises.rm(this.pathOf(sha256), { force: true });
    await fs.promises.rm(this.derivedDir(sha256), { recursive: true, force: true });
  }

  /** Every stored hash. */
  async list(): Promise<string[]> {
    const out: string[] = [];
    let prefixes: string[];
    try {
      prefixes = await fs.promises.readdir(this.dir);
    } catch {
      return out;
    }
    for (const prefix of prefixes) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      for (const name of await fs.promises.readdir(path.join(this.dir, prefix))) {
        if (SHA256_RE.test(name) && name.startsWith(prefix)) out.push(name);
      }
    }
    return out.sort();
  }

  /**
   * Removes temporary files of copies a crash cut short: those older than `minAgeMs`, so the copies
   * and preview folders of work still running (a drop reads while the base stays usable) are kept.
   */
  async clearTemporary(minAgeMs = RECENT_MS): Promise<void> {
    const tmp = path.join(this.dir, 'tmp');
    let names: string[];
    try {
      names = await fs.promises.readdir(tmp);
    } catch {
      return;
    }
    const before = Date.now() - minAgeMs;
    for (const name of names) {
      const full = path.join(tmp, name);
      const stat = await fs.promises.stat(full).catch(() => null);
      if (stat && stat.mtimeMs < before) await fs.promises.rm(full, { recursive: true, force: true });
    }
  }

  /** Whether the bytes with this hash were stored within the last `ms` (a drop may be about to list them). */
  async storedWithin(sha256: string, ms = RECENT_MS): Promise<boolean> {
    const stat = await fs.promises.stat(this.pathOf(sha256)).catch(() => null);
    return !!stat && stat.mtimeMs > Date.now() - ms;
  }
}
