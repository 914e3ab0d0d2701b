/**
 * Databases for the sync server's tests: always an embedded PGlite (in memory), and a real
 * PostgreSQL as well when DATABASE_URL is set (CI starts one), each test run in a schema of its
 * own that is dropped afterwards. Use with `describe.each(testDatabases())`.
 */
import crypto from 'node:crypto';
import pg from 'pg';
import { openDb, type Db } from '../db/db';

export interface TestDatabase {
  name: 'pglite' | 'postgres';
  /** A fresh, empty database (PGlite) or schema (PostgreSQL); `drop` removes it. */
  open(): Promise<{ db: Db; url: string | undefined; schema: string | undefined; drop(): Promise<void> }>;
}

export function testDatabases(): TestDatabase[] {
  const url = process.env.DATABASE_URL;
  const list: TestDatabase[] = [
    {
      name: 'pglite',
      async open() {
        const db = await openDb({ dataDir: '', memory: true });
        return { db, url: undefined, schema: undefined, drop: () => db.close() };
      },
    },
  ];
  if (url) {
    list.push({
      name: 'postgres',
      async open() {
        const schema = `t_${crypto.randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE SCHEMA ${schema}`);
        await admin.end();
        const db = await openDb({ dataDir: '', databaseUrl: url, schema });
        return {
          db,
          url,
          schema,
          async drop() {
            await db.close();
            const c = new pg.Client({ connectionString: url });
            await c.connect();
            await c.query(`DROP SCHEMA ${schema} CASCADE`);
            await c.end();
          },
        };
      },
    });
  }
  return list;
}
