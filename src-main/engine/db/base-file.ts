/**
 * Opening and creating base files. A base is one SQLite file (WAL) marked with Baseplate's
 * application id; its format version is the number of migrations applied (PRAGMA user_version).
 *
 * Contract: a file that is not a base, or was written by a newer Baseplate, is refused with a clear
 * error before anything is written to it (the checks read the 100-byte SQLite header directly).
 * An older base is migrated in one transaction: all migrations or none.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type Database from 'better-sqlite3';
import { openSqlite } from './sqlite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { EngineError } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';

/** 'BPLT' — PRAGMA application_id of every base file. */
export const BASE_APPLICATION_ID = 0x42504c54;
const SQLITE_MAGIC = 'SQLite format 3\0';

export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('./migrations', import.meta.url));

export interface OpenOptions {
  /** Create the file when absent; refuse when it exists. */
  create?: boolean;
  /** With `create`: who creates the base and when, written with the schema in one transaction. */
  createdBy?: string;
  /** The new base's id (a copy of a server's base keeps the id it has there); random when absent. */
  baseId?: string;
  createdAt?: number;
  /** For tests of older formats: apply only these migrations. */
  migrationsDir?: string;
}

export interface BaseFile {
  db: Database.Database;
  path: string;
  /** Format version after opening (number of migrations applied). */
  formatVersion: number;
  /** True when opening applied at least one migration to an existing file. */
  migrated: boolean;
  /** The format the file had before this open migrated it (the same as `formatVersion` if it did not). */
  migratedFrom: number;
}

interface Header {
  userVersion: number;
  applicationId: number;
}

function readHeader(file: string): Header | 'empty' | 'not-sqlite' {
  const fd = fs.openSync(file, 'r');
  try {
    const buf = Buffer.alloc(100);
    const n = fs.readSync(fd, buf, 0, 100, 0);
    if (n === 0) return 'empty';
    if (n < 100 || buf.toString('latin1', 0, 16) !== SQLITE_MAGIC) return 'not-sqlite';
    return { userVersion: buf.readUInt32BE(60), applicationId: buf.readUInt32BE(68) };
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Identity as SQLite sees it. A base never checkpointed (new, killed before its first close) has
 * its real page 1 only in the -wal file; a read-only connection reads it without writing the file.
 */
function readIdentity(file: string): Header | 'empty' | 'not-sqlite' {
  const header = readHeader(file);
  if (typeof header === 'string' || header.applicationId === BASE_APPLICATION_ID || !fs.existsSync(file + '-wal')) return header;
  try {
    const db = openSqlite(file, { readonly: true, fileMustExist: true });
    try {
      return {
        userVersion: db.pragma('user_version', { simple: true }) as number,
        applicationId: db.pragma('application_id', { simple: true }) as number,
      };
    } finally {
      db.close();
    }
  } catch {
    return header;
  }
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a power loss may lose the last transactions but never corrupts the file.
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
}

function migrate(db: Database.Database, dir: string, also?: () => void): { version: number; applied: number } {
  const migrations = readMigrationFiles({ migrationsFolder: dir });
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new EngineError('NEWER_FORMAT', newerMessage(current, migrations.length));
  }
  if (current === migrations.length) return { version: current, applied: 0 };
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS "__drizzle_migrations" (id INTEGER PRIMARY KEY, hash TEXT NOT NULL, created_at NUMERIC)');
    const record = db.prepare('INSERT INTO "__drizzle_migrations" (hash, created_at) VALUES (?, ?)');
    for (const m of migrations.slice(current)) {
      for (const stmt of m.sql) if (stmt.trim()) db.exec(stmt);
      record.run(m.hash, m.folderMillis);
    }
    db.pragma(`application_id = ${BASE_APPLICATION_ID}`);
    db.pragma(`user_version = ${migrations.length}`);
    also?.();
  })();
  return { version: migrations.length, applied: migrations.length - current };
}

function newerMessage(found: number, known: number): string {
  return `This base was saved by a newer version of Baseplate (format ${found}; this version reads up to ${known}). Update Baseplate to open it.`;
}

export function openBaseFile(file: string, options: OpenOptions = {}): BaseFile {
  const abs = path.resolve(file);
  const dir = options.migrationsDir ?? DEFAULT_MIGRATIONS_DIR;
  const exists = fs.existsSync(abs);
  if (options.create) {
    if (exists) throw new EngineError('FILE_EXISTS', `${abs} already exists; open it instead, or choose another name.`);
    const parent = path.dirname(abs);
    if (!fs.existsSync(parent)) throw new EngineError('FILE_NOT_FOUND', `Folder ${parent} does not exist.`);
    createAtomically(abs, dir, options);
    const created = openBaseFile(abs, { migrationsDir: dir });
    return { ...created, migrated: false, migratedFrom: created.formatVersion };
  }
  if (!exists) throw new EngineError('FILE_NOT_FOUND', `No base at ${abs}.`);
  if (fs.statSync(abs).isDirectory()) throw new EngineError('NOT_A_BASE', `${abs} is a folder, not a base file.`);
  const header = readIdentity(abs);
  if (header === 'empty') throw new EngineError('NOT_A_BASE', `${abs} is empty; it is not a Baseplate base.`);
  if (header === 'not-sqlite') throw new EngineError('NOT_A_BASE', `${abs} is not a Baseplate base (not an SQLite database).`);
  if (header.applicationId !== BASE_APPLICATION_ID) {
    throw new EngineError('NOT_A_BASE', `${abs} is an SQLite database but not a Baseplate base.`);
  }
  const known = readMigrationFiles({ migrationsFolder: dir }).length;
  if (header.userVersion > known) throw new EngineError('NEWER_FORMAT', newerMessage(header.userVersion, known));

  const db = openSqlite(abs, { fileMustExist: true });
  try {
    configure(db);
    const { version, applied } = migrate(db, dir);
    return { db, path: abs, formatVersion: version, migrated: applied > 0, migratedFrom: version - applied };
  } catch (e) {
    db.close();
    throw e;
  }
}

/**
 * A new base appears complete or not at all: it is built under a hidden temporary name (schema and
 * identity in one transaction), checkpointed and closed, then linked into place, which fails rather
 * than overwrite a file that appeared meanwhile. A crash leaves at most the hidden temporary file.
 */
function createAtomically(abs: string, dir: string, options: OpenOptions): void {
  const tmp = path.join(path.dirname(abs), `.${path.basename(abs)}.${process.pid}-${Date.now()}.creating`);
  const removeTmp = (): void => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(tmp + suffix, { force: true });
  };
  try {
    const db = openSqlite(tmp);
    try {
      configure(db);
      migrate(db, dir, () => {
        const ins = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)');
        ins.run('baseId', options.baseId ?? newId('bas'));
        ins.run('createdAt', String(options.createdAt ?? Date.now()));
        ins.run('createdBy', options.createdBy ?? 'local');
      });
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    try {
      fs.linkSync(tmp, abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new EngineError('FILE_EXISTS', `${abs} already exists; open it instead, or choose another name.`);
      // File systems without hard links (FAT, some network drives): check, then rename.
      if (fs.existsSync(abs)) throw new EngineError('FILE_EXISTS', `${abs} already exists; open it instead, or choose another name.`);
      fs.renameSync(tmp, abs);
    }
  } finally {
    removeTmp();
  }
}
