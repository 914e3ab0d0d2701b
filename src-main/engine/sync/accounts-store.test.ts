import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { AccountsStore } from './accounts-store';
import { normalizeServer } from './server-api';
import { defaultDataDir } from './data-dir';

describe('sign-ins kept on this machine', () => {
  const temps: Array<ReturnType<typeof makeTempDir>> = [];
  afterEach(() => temps.splice(0).forEach((t) => t.cleanup()));
  const temp = () => {
    const t = makeTempDir('bp-accounts-');
    temps.push(t);
    return t;
  };

  it('survives a restart, is readable by its owner only, and rotates refresh tokens in place', () => {
    const t = temp();
    const store = new AccountsStore(t.file('data'));
    store.saveAccount({ server: 'https://sync.example.com', user: { id: 'u1', email: 'ann@example.com', name: 'Ann' }, refreshToken: 'bpr_one' });
    store.rotate('https://sync.example.com', 'bpr_one', 'bpr_two');
    // A refresh that started before a new sign-in must not overwrite the new sign-in's token.
    store.rotate('https://sync.example.com', 'bpr_one', 'bpr_stale');
    const again = new AccountsStore(t.file('data'));
    expect(again.account('https://sync.example.com')).toMatchObject({ refreshToken: 'bpr_two', user: { name: 'Ann' } });
    // Another process (the desktop app beside browser mode) rotates it: this one reads it before use.
    again.rotate('https://sync.example.com', 'bpr_two', 'bpr_three');
    store.reload();
    expect(store.account('https://sync.example.com')?.refreshToken).toBe('bpr_three');
    if (process.platform !== 'win32') expect(fs.statSync(t.file('data/sync-accounts.json')).mode & 0o777).toBe(0o600);
    again.removeAccount('https://sync.example.com');
    expect(new AccountsStore(t.file('data')).accounts()).toEqual([]);
  });

  it('keeps a damaged file aside and starts signed out rather than failing', () => {
    const t = temp();
    fs.mkdirSync(t.file('data'));
    fs.writeFileSync(t.file('data/sync-accounts.json'), '{"version":1,"accounts":[{"server":');
    const store = new AccountsStore(t.file('data'));
    expect(store.accounts()).toEqual([]);
    expect(fs.readdirSync(t.file('data')).some((f) => f.startsWith('sync-accounts.json.damaged-'))).toBe(true);
  });

  it('remembers local copies only while their files exist', () => {
    const t = temp();
    const store = new AccountsStore(t.file('data'));
    fs.writeFileSync(t.file('a.baseplate'), '');
    store.rememberCopy('https://s', 'basA', t.file('a.baseplate'));
    store.rememberCopy('https://s', 'basB', t.file('gone.baseplate'));
    expect(store.copyOf('https://s', 'basA')).toBe(t.file('a.baseplate'));
    expect(store.copyOf('https://s', 'basB')).toBeNull();
  });
});

describe('server addresses', () => {
  it('are spelled one way', () => {
    expect(normalizeServer(' HTTPS://Sync.Example.com:443/ ')).toBe('https://sync.example.com');
    expect(normalizeServer('http://127.0.0.1:8787/team/')).toBe('http://127.0.0.1:8787/team');
  });
  it('refuse other schemes and credentials, saying why', () => {
    expect(() => normalizeServer('ftp://x')).toThrow(/http:\/\/ or https:\/\//);
    expect(() => normalizeServer('https://ann:pw@x')).toThrow(/user name and password/);
    expect(() => normalizeServer('not a url')).toThrow(/not a server address/);
  });
});

describe('the data folder', () => {
  it('follows each platform and BASEPLATE_DATA_DIR', () => {
    expect(defaultDataDir({ BASEPLATE_DATA_DIR: '/x/y' }, 'linux')).toBe('/x/y');
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/cfg' }, 'linux')).toBe('/cfg/baseplate');
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Baseplate$/);
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Baseplate$/);
  });
});

describe('base file names', () => {
  it('are made from base names without separators or characters platforms refuse', async () => {
    const { baseFileName } = await import('./sync-manager');
    expect(baseFileName('Parts')).toBe('Parts.base');
    expect(baseFileName('../../etc/passwd')).toBe('-..-etc-passwd.base');
    expect(baseFileName('a:b*c?"d"<e>|f\\g')).toBe('a-b-c-d-e-f-g.base');
    expect(baseFileName(' .. ')).toBe('Base.base');
  });
});

describe('invitations', () => {
  it('are read from the link someone sent, which names the server, or from a token and its server', async () => {
    const { parseInvitation } = await import('./sync-manager');
    expect(parseInvitation(' https://sync.example.com/team/invite/bpi_abc123?utm=x ', undefined)).toEqual({ server: 'https://sync.example.com/team', token: 'bpi_abc123' });
    expect(parseInvitation('bpi_abc123', 'http://127.0.0.1:8787/')).toEqual({ server: 'http://127.0.0.1:8787', token: 'bpi_abc123' });
    expect(() => parseInvitation('bpi_abc123', undefined)).toThrow(/whole invitation link/);
  });
});
