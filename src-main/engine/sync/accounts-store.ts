/**
 * Sign-ins to sync servers, kept in `<dataDir>/sync-accounts.json` (mode 0600: it holds refresh
 * tokens, which stand for the person on that server until they sign out or the server revokes
 * them). Written whole to a temporary file, synced and renamed, so a crash leaves the old or the new
 * file, never half of one. Passwords are never stored; access tokens live in memory only.
 *
 * Also remembers where this machine keeps its copy of each server base (`copies`), so a server's
 * base list can say which ones are here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { logger } from '../logger';

const log = logger.child({ module: 'sync-accounts' });

const accountSchema = z.object({
  server: z.string(),
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  refreshToken: z.string(),
});
const copySchema = z.object({ server: z.string(), baseId: z.string(), path: z.string() });
const fileSchema = z.object({ version: z.literal(1), accounts: z.array(accountSchema), copies: z.array(copySchema).default([]) });

export type StoredAccount = z.infer<typeof accountSchema>;
type StoreFile = z.infer<typeof fileSchema>;

export class AccountsStore {
  private data: StoreFile;
  private readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'sync-accounts.json');
    this.data = this.read();
  }

  private read(): StoreFile {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, accounts: [], copies: [] };
      throw e;
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    if (!parsed.success) {
      // A damaged file must not stop the app: keep it aside for the person, start signed out.
      const aside = `${this.file}.damaged-${Date.now()}`;
      fs.renameSync(this.file, aside);
      log.warn({ file: aside }, 'sign-in file unreadable; kept aside, signed out of every server');
      return { version: 1, accounts: [], copies: [] };
    }
    return parsed.data;
  }

  private write(): void {
    fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      fs.writeSync(fd, JSON.stringify(this.data, null, 1));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, this.file);
  }

  accounts(): StoredAccount[] {
    return this.data.accounts.map((a) => ({ ...a, user: { ...a.user } }));
  }

  account(server: string): StoredAccount | null {
    return this.data.accounts.find((a) => a.server === server) ?? null;
  }

  /** Saves a sign-in (replacing the server's previous one). */
  saveAccount(account: StoredAccount): void {
    this.reload();
    this.data.accounts = [...this.data.accounts.filter((a) => a.server !== account.server), account];
    this.write();
  }

  /**
   * The server rotated the refresh token `spent` into `next`: keep the new one (before using
   * anything it gave). Nothing changes if the stored token is no longer `spent` (a new sign-in
   * replaced it meanwhile).
   */
  rotate(server: string, spent: string, next: string): void {
    this.reload();
    const a = this.data.accounts.find((x) => x.server === server);
    if (!a || a.refreshToken !== spent) return;
    a.refreshToken = next;
    this.write();
  }

  /**
   * Reads the file again: another process on this machine (the desktop app and `baseplate serve`
   * share the data folder) may have rotated a token since. Used before each use of a refresh token
   * and before every change, so a spent token is never written back.
   */
  reload(): void {
    this.data = this.read();
  }

  removeAccount(server: string): void {
    this.reload();
    this.data.accounts = this.data.accounts.filter((a) => a.server !== server);
    this.write();
  }

  copyOf(server: string, baseId: string): string | null {
    const c = this.data.copies.find((x) => x.server === server && x.baseId === baseId);
    return c && fs.existsSync(c.path) ? c.path : null;
  }

  rememberCopy(server: string, baseId: string, file: string): void {
    this.reload();
    this.data.copies = [...this.data.copies.filter((x) => !(x.server === server && x.baseId === baseId)), { server, baseId, path: file }];
    this.write();
  }

  forgetCopy(server: string, baseId: string): void {
    this.reload();
    const before = this.data.copies.length;
    this.data.copies = this.data.copies.filter((x) => !(x.server === server && x.baseId === baseId));
    if (this.data.copies.length !== before) this.write();
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
