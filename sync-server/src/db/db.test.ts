/**
 * The database layer on PGlite (and on PostgreSQL when DATABASE_URL is set): migrations once each,
 * even from two starts at once, refused when the database is newer; transactions commit or roll
 * back whole; NOTIFY reaches listeners.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { migrate, readMigrations, type Migration } from './migrate';

const fake: Migration[] = [
  { version: 1, name: 'one', sql: 'CREATE TABLE a (x integer); CREATE TABLE b (y text);' },
  { version: 2, name: 'two', sql: 'ALTER TABLE a ADD COLUMN z integer;' },
];

describe.each(testDatabases())('database on $name', (d) => {
  it('migrates once, in order, even when two starts race; refuses a newer schema', async () => {
    const { db, drop } = await d.open();
    try {
      const [first, second] = await Promise.all([migrate(db, fake), migrate(db, fake)]);
      expect([first, second].sort((p, q) => q.length - p.length)).toEqual([[1, 2], []]);
      expect(await migrate(db, fake)).toEqual([]);
      await db.query('INSERT INTO a (x, z) VALUES (1, 2)');
      await expect(migrate(db, fake.slice(0, 1))).rejects.toThrow('set up by a newer sync server (schema version 2)');
    } finally {
      await drop();
    }
  });

  it('commits a transaction whole or not at all', async () => {
    const { db, drop } = await d.open();
    try {
      await migrate(db, fake);
      await db.tx(async (q) => {
        await q.query('INSERT INTO b (y) VALUES ($1)', ['kept']);
      });
      await expect(
        db.tx(async (q) => {
          await q.query('INSERT INTO b (y) VALUES ($1)', ['gone']);
          throw new Error('stop');
        }),
      ).rejects.toThrow('stop');
      expect(await db.query('SELECT y FROM b ORDER BY y')).toEqual([{ y: 'kept' }]);
    } finally {
      await drop();
    }
  });

  it('carries NOTIFY payloads to listeners until they stop', async () => {
    const { db, drop } = await d.open();
    try {
      const got: string[] = [];
      const stop = await db.listen('bp_test', (p) => got.push(p));
      await db.notify('bp_test', 'hello');
      await expect.poll(() => got).toEqual(['hello']);
      await stop();
      await db.notify('bp_test', 'unheard');
      await new Promise((r) => setTimeout(r, 100));
      expect(got).toEqual(['hello']);
      await expect(db.notify('bad channel', 'x')).rejects.toThrow('Not a channel name');
    } finally {
      await drop();
    }
  });
});

describe.runIf(!!process.env.DATABASE_URL)('listening on PostgreSQL', () => {
  it('listens again after its connection is cut, and says so, so listeners can catch up', async () => {
    const d = testDatabases().find((t) => t.name === 'postgres')!;
    const { db, drop } = await d.open();
    try {
      const got: string[] = [];
      let restored = 0;
      db.onListenRestored(() => restored++);
      await db.listen('bp_cut', (p) => got.push(p));
      // Cut the listening connection from the server's side, as a restart of PostgreSQL would.
      await db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN bp_cut'");
      await expect.poll(() => restored, { timeout: 10_000 }).toBe(1);
      await db.notify('bp_cut', 'after');
      await expect.poll(() => got).toEqual(['after']);
    } finally {
      await drop();
    }
  });
});

describe('migration files', () => {
  it('are numbered once each and named plainly', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bp-mig-'));
    try {
      fs.writeFileSync(path.join(dir, '001_first.sql'), 'SELECT 1;');
      fs.writeFileSync(path.join(dir, '002_second.sql'), 'SELECT 2;');
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a migration');
      expect(readMigrations(dir).map((m) => [m.version, m.name])).toEqual([[1, 'first'], [2, 'second']]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
