/**
 * Starts ./server-process.ts as a child process and tells its port; `kill` sends SIGKILL (a crash
 * at an arbitrary moment), `stop` SIGTERM. Tests only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { Role } from '../types';

export interface ChildServer {
  port: number;
  base: string;
  appUrl(workspaceId: string, token: string): string;
  /** SIGKILL; resolves when the process is gone. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ChildServerOptions {
  dataDir?: string;
  databaseUrl?: string;
  schema?: string;
  users: Array<[token: string, userId: string, workspaceId: string, role: Role]>;
}

const SCRIPT = path.join(import.meta.dirname, 'server-process.ts');

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const env: NodeJS.ProcessEnv = { ...process.env, SYNC_USERS: JSON.stringify(options.users), DATABASE_URL: options.databaseUrl ?? '', SYNC_DB_SCHEMA: options.schema ?? '', SYNC_DATA_DIR: options.dataDir ?? '' };
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => {
    stderr = (stderr + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server process did not start in 30 s: ${stderr}`)), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server process exited (${code}): ${stderr}`));
    });
    readline.createInterface({ input: child.stdout as NonNullable<ChildProcess['stdout']> }).once('line', (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const base = `ws://127.0.0.1:${port}/sync`;
  return {
    port,
    base,
    appUrl: (w, t) => `${base}/${w}?token=${encodeURIComponent(t)}`,
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
