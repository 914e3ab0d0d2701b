import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src-shared/errors';
import { makeTempDir } from '../testing/temp-dir';
import { BaseSession } from '../base/base-session';
import { DEFAULT_MIGRATIONS_DIR, openBaseFile } from './base-file';

let tmp: ReturnType<typeof makeTempDir>;
beforeEach(() => (tmp = makeTempDir()));
afterEach(() => tmp.cleanup());

const sha = (f: string): string => crypto.createHash('sha256').update(fs.readFileSync(f)).digest('hex');

function expectRefused(file: string, code: string, message: RegExp): void {
  const before = sha(file);
  const siblings = fs.readdirSync(path.dirname(file)).sort();
  let error: unknown;
  try {
    openBaseFile(file).db.close();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(EngineError);
  expect((error as EngineError).code).toBe(code);
  expect((error as EngineError).message).toMatch(message);
  expect(sha(file)).toBe(before);
  expect(fs.readdirSync(path.dirname(file)).sort()).toEqual(siblings);
}

describe('base files', () => {
  it('a new base is a WAL SQLite file marked as a Baseplate base at the current format', () => {
    const f = tmp.file('new.base');
    const { db, formatVersion } = openBaseFile(f, { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('application_id', { simple: true })).toBe(0x42504c54);
    expect(db.pragma('user_version', { simple: true })).toBe(formatVersion);
    expect(formatVersion).toBeGreaterThanOrEqual(2);
    db.close();
  });

  it('creating over an existing file is refused', () => {
    const f = tmp.file('x.base');
    fs.writeFileSync(f, 'keep me');
    expect(() => openBaseFile(f, { create: true })).toThrow(/already exists/);
    expect(fs.readFileSync(f, 'utf8')).toBe('keep me');
  });

  it('a text file is refused as not a base and left untouched', () => {
    const f = tmp.file('notes.txt');
    fs.writeFileSync(f, 'hello, this is not a database\n'.repeat(10));
    expectRefused(f, 'NOT_A_BASE', /not a Baseplate base/);
  });

  it('an empty file is refused and left untouched', () => {
    const f = tmp.file('empty.base');
    fs.writeFileSync(f, '');
    expectRefused(f, 'NOT_A_BASE', /empty/);
  });

  it('another application’s SQLite database is refused and left untouched', () => {
    const f = tmp.file('other.sqlite');
    const db = new Database(f);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    expectRefused(f, 'NOT_A_BASE', /SQLite database but not a Baseplate base/);
  });

  it('a base from a newer Baseplate is refused and left untouched', () => {
    const f = tmp.file('future.base');
    const s = new BaseSession(f, { create: true, actor: 't' });
    s.close();
    const db = new Database(f);
    db.pragma('user_version = 999');
    db.close();
    expectRefused(f, 'NEWER_FORMAT', /newer version of Baseplate \(format 999/);
  });

  it('a folder or a missing path is a clear error', () => {
    expect(() => openBaseFile(tmp.dir)).toThrow(/is a folder/);
    expect(() => openBaseFile(tmp.file('missing.base'))).toThrow(/No base at/);
  });

  it('a base written at the first format is migrated on open and keeps its data', async () => {
    // Build a format-1 base: only the first migration, as the first release wrote it.
    const oldDir = tmp.file('migrations-v1');
    fs.mkdirSync(path.join(oldDir, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(DEFAULT_MIGRATIONS_DIR, 'meta/_journal.json'), 'utf8'));
    const first = journal.entries[0];
    fs.writeFileSync(path.join(oldDir, 'meta/_journal.json'), JSON.stringify({ ...journal, entries: [first] }));
    fs.copyFileSync(path.join(DEFAULT_MIGRATIONS_DIR, `${first.tag}.sql`), path.join(oldDir, `${first.tag}.sql`));
    const f = tmp.file('old.base');
    const old = openBaseFile(f, { create: true, migrationsDir: oldDir });
    expect(old.formatVersion).toBe(1);
    old.db.prepare("UPDATE meta SET value = 'basOLD0000000000a' WHERE key = 'baseId'").run();
    expect(() => old.db.prepare('SELECT * FROM cell_history').all()).toThrow(/no such table/);
    old.db.close();

    const opened = openBaseFile(f);
    expect(opened.migrated).toBe(true);
    expect(opened.formatVersion).toBe(journal.entries.length);
    expect(opened.db.prepare("SELECT value FROM meta WHERE key = 'baseId'").get()).toEqual({ value: 'basOLD0000000000a' });
    expect(opened.db.prepare('SELECT count(*) AS n FROM cell_history').get()).toEqual({ n: 0 });
    opened.db.close();
    // Opening again does not migrate again.
    const again = openBaseFile(f);
    expect(again.migrated).toBe(false);
    again.db.close();
  });
});
