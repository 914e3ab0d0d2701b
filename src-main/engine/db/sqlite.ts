/**
 * Every SQLite connection the engine opens goes through here, so a host can point better-sqlite3 at
 * a native binding built for its runtime (Electron's ABI differs from Node's; see bin/start.mjs).
 */
import Database from 'better-sqlite3';

let nativeBinding: string | undefined;

/** Use this compiled `better_sqlite3.node` for connections opened from now on. */
export function useSqliteBinding(file: string | undefined): void {
  nativeBinding = file || undefined;
}

export function openSqlite(file: string, options: Database.Options = {}): Database.Database {
  return new Database(file, nativeBinding ? { ...options, nativeBinding } : options);
}
