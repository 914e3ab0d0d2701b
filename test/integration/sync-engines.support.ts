/**
 * Test support for team sync between real engines: app engines (each with its own data folder and
 * base files) talking to a real sync server over 127.0.0.1.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { inProcessClient } from '../../src-main/engine/testing/engine-client';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { SyncStatus } from '../../src-shared/api/engine.dto';
import type { Engine } from '../../src-main/engine/engine';

export interface App {
  name: string;
  engine: Engine;
  client: EngineClient;
  dir: string;
  file(name: string): string;
  /** Every sync status event, newest last. */
  statuses: SyncStatus[];
  close(): void;
}

export function startApp(name: string): App {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bp-app-${name}-`));
  const { engine, client } = inProcessClient({ actor: name, dataDir: path.join(dir, 'data') });
  const statuses: SyncStatus[] = [];
  engine.onDidSync((s) => statuses.push(s));
  return {
    name,
    engine,
    client,
    dir,
    file: (f) => path.join(dir, f),
    statuses,
    close() {
      engine.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls `probe` until it returns something other than undefined/false, or fails after `ms`. */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > until) throw new Error(`Timed out after ${ms} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export async function waitForState(app: App, base: string, state: SyncStatus['state'], ms = 10_000): Promise<SyncStatus> {
  return eventually(`${app.name}'s base ${base} to be ${state}`, async () => {
    const [s] = await app.client['sync.status']({ base });
    return s?.state === state ? s : undefined;
  }, ms);
}

/** A cell's value as the engine reads it (from its SQL projection). */
export async function cell(app: App, base: string, table: string, record: string, field: string): Promise<unknown> {
  const r = await app.client['records.get']({ base, table, id: record });
  return r.fields[field] ?? null;
}
