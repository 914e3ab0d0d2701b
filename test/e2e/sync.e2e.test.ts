/**
 * Team sync in the browser: a real sync server (PGlite, WebSocket sync) and two browser-mode
 * engines, each with its own sign-ins, driven through two pages. A registers and publishes a base
 * through the UI; B, invited as an editor over the server's HTTP API, pastes the invitation link,
 * is asked to sign in to its server, joins and downloads the base;
 * edits and selected cells travel between the pages; with the server stopped both keep working,
 * and once it is back on the same port both edits reach both pages.
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { makeTempDir } from '../../src-main/engine/testing/temp-dir';
import { call as engineCall } from '../bench/bench-util';
import { TEST_SCRYPT } from '../../sync-server/src/accounts/passwords';
import { loadConfig } from '../../sync-server/src/config';
import { openDb, type Db } from '../../sync-server/src/db/db';
import { startSyncServer, syncOverWebSocket, type SyncServer } from '../../sync-server/src/server';
import { createBaseAndTable, findChromium, launchBrowser, screenshotPath, startBrowserMode, type BrowserMode } from './browser';

const haveBrowser = findChromium() !== null;

const PASSWORD = 'correct horse battery';
const ADA = { name: 'Ada Lovelace', email: 'ada@example.com' };
const BEA = { name: 'Bea Bauer', email: 'bea@example.com' };
/** Changes from the other page: "within a few seconds". */
const LIVE_MS = 5_000;

let tmp: ReturnType<typeof makeTempDir>;
let db: Db;
let srv: SyncServer | null = null;
let port = 0;
let modeA: BrowserMode;
let modeB: BrowserMode;
let browser: Browser;
let pageA: Page;
let pageB: Page;
/** The table's Name field, by id (the grid's column ids). */
let nameField: string;
/** For the role change at the end: the workspace, B's user id, A's access token. */
let team: { workspace: string; bea: string; adaToken: string };

/** The same data (one database, one DATA_DIR for its secrets) on the same port each start. */
async function startServer(onPort: number): Promise<SyncServer> {
  const config = loadConfig({ DATA_DIR: tmp.file('server'), PORT: String(onPort), HOST: '127.0.0.1', LOG_LEVEL: 'silent' });
  return startSyncServer({ config, db, scrypt: TEST_SCRYPT, attachSync: syncOverWebSocket });
}

async function api<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(`${srv!.url}${path}`, {
    method,
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

const badge = (page: Page): Locator => page.getByRole('button', { name: 'Sync status', exact: true });
/** Waits for the badge to say `text`; failing, says what it said instead (and why, from its title). */
async function waitForBadge(page: Page, text: string | RegExp, timeout = 10_000): Promise<void> {
  try {
    await badge(page).filter({ hasText: text }).waitFor({ timeout });
  } catch (e) {
    const shown = await badge(page).innerText({ timeout: 1_000 }).catch(() => '(no badge)');
    const title = await badge(page).getAttribute('title', { timeout: 1_000 }).catch(() => null);
    // What the engine itself says, to tell a UI fault from an engine one.
    const engine = await engineCall((page === pageA ? modeA : modeB).engine, 'sync.status', {}).catch((err: Error) => err.message);
    throw new Error(
      `${page === pageA ? 'A' : 'B'}'s sync badge did not say ${String(text)} within ${timeout} ms: it says '${shown}' (${title ?? 'no title'}); the engine's sync.status: ${JSON.stringify(engine)}. ${(e as Error).message.split('\n')[0]}`,
    );
  }
}
const cell = (page: Page, row: number): Locator => page.locator(`.ag-row[row-index="${row}"] [col-id="${nameField}"]`);
const gridText = (page: Page, text: string, timeout = LIVE_MS): Promise<void> => page.locator('.ag-row .ag-cell', { hasText: text }).first().waitFor({ timeout });

/** Types a new value into a Name cell, as a person would: double-click, replace, Enter. */
async function editName(page: Page, row: number, text: string): Promise<void> {
  await cell(page, row).dblclick();
  await page.keyboard.press('Control+a');
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

/** Signs in (or registers) through the start screen's Team section. */
async function signIn(page: Page, who: { name: string; email: string }, opts: { register?: boolean; password?: string } = {}): Promise<Locator> {
  await page.getByRole('button', { name: 'Sign in to a team server…' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Server address').fill(srv!.url);
  return fillSignIn(dialog, who, opts);
}

/** Fills in an open sign-in dialog (its server already in it) and submits it with Enter. */
async function fillSignIn(dialog: Locator, who: { name: string; email: string }, opts: { register?: boolean; password?: string } = {}): Promise<Locator> {
  if (opts.register) {
    await dialog.getByLabel('Create an account').check();
    await dialog.getByLabel('Your name').fill(who.name);
  }
  await dialog.getByLabel('Email').fill(who.email);
  await dialog.getByLabel('Password').fill(opts.password ?? PASSWORD);
  await dialog.getByLabel('Password').press('Enter');
  return dialog;
}

describe.runIf(haveBrowser)('team sync in the browser', () => {
  beforeAll(async () => {
    tmp = makeTempDir('bp-sync-e2e-');
    for (const d of ['a', 'b', 'engine-a', 'engine-b']) fs.mkdirSync(tmp.file(d));
    db = await openDb({ dataDir: '', memory: true });
    srv = await startServer(0);
    port = srv.port;
    modeA = await startBrowserMode({ actor: 'ada', dataDir: tmp.file('engine-a') });
    modeB = await startBrowserMode({ actor: 'bea', dataDir: tmp.file('engine-b') });
    browser = await launchBrowser();
    // Contexts of their own: nothing shared between the two people's pages.
    pageA = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    pageB = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await modeA?.close();
    await modeB?.close();
    await srv?.close();
    await db?.close();
    tmp?.cleanup();
  });

  it('A registers in the Team section, makes a base and publishes it into a new workspace', async () => {
    await pageA.goto(modeA.server.url);
    await pageA.getByRole('heading', { name: 'Team' }).waitFor();
    const dialog = await signIn(pageA, ADA, { register: true });
    await dialog.waitFor({ state: 'detached' });
    await pageA.getByRole('article', { name: `${ADA.email} on 127.0.0.1:${port}` }).getByText('No workspaces yet').waitFor();

    await createBaseAndTable(pageA, tmp.file('a/parts.base'), 'Parts');
    const call = (method: string, input: unknown): Promise<unknown> => engineCall(modeA.engine, method, input);
    const { base } = (await call('base.open', { path: tmp.file('a/parts.base') })) as { base: string };
    const schema = (await call('schema.get', { base })) as { tables: Array<{ fields: Array<{ id: string; name: string }> }> };
    nameField = schema.tables[0]!.fields.find((f) => f.name === 'Name')!.id;
    await pageA.getByRole('button', { name: '+ Add record' }).click();
    await pageA.getByText('1 record', { exact: true }).waitFor();
    await pageA.getByRole('button', { name: '+ Add record' }).click();
    await pageA.getByText('2 records', { exact: true }).waitFor();
    await editName(pageA, 0, 'Hex bolt M8');
    await editName(pageA, 1, 'Nut M8');
    await gridText(pageA, 'Nut M8');

    await waitForBadge(pageA, 'Local only');
    await badge(pageA).click();
    await pageA.getByRole('dialog', { name: 'Team sync' }).getByRole('button', { name: 'Publish to a team server…' }).click();
    const publish = pageA.getByRole('dialog', { name: 'Publish parts.base to a team server' });
    // No workspace yet: a new one is offered.
    await publish.getByLabel('New workspace name').fill('Design office');
    await publish.getByRole('button', { name: 'Publish' }).click();
    await publish.waitFor({ state: 'detached' });
    await waitForBadge(pageA, 'Synced');
    await pageA.screenshot({ path: screenshotPath('sync-01-published') });
  });

  it('B, invited as an editor, pastes the link, signs in when asked (a wrong password is refused in words), joins and downloads the base', async () => {
    // The invitation, as A would send it from the server's web API.
    const ada = await api<{ accessToken: string }>('POST', '/api/v1/auth/login', { email: ADA.email, password: PASSWORD });
    const { workspaces } = await api<{ workspaces: Array<{ id: string; name: string }> }>('GET', '/api/v1/workspaces', undefined, ada.accessToken);
    const workspace = workspaces.find((w) => w.name === 'Design office')!;
    const bea = await api<{ user: { id: string } }>('POST', '/api/v1/auth/register', { email: BEA.email, password: PASSWORD, name: BEA.name });
    team = { workspace: workspace.id, bea: bea.user.id, adaToken: ada.accessToken };
    const invitation = await api<{ url: string }>('POST', `/api/v1/workspaces/${workspace.id}/invitations`, { role: 'editor', email: BEA.email }, ada.accessToken);

    // B's engine has no sign-in to the link's server: the sign-in dialog opens with it filled in.
    await pageB.goto(modeB.server.url);
    await pageB.getByRole('button', { name: 'Join with an invitation link…' }).click();
    const join = pageB.getByRole('dialog', { name: 'Join a workspace' });
    await join.getByLabel('Invitation link').fill(invitation.url);
    await join.getByLabel('Invitation link').press('Enter');
    const wrong = pageB.getByRole('dialog', { name: 'Sign in to a team server' });
    expect(await wrong.getByLabel('Server address').inputValue()).toBe(srv!.url);
    await fillSignIn(wrong, BEA, { password: 'not her password' });
    await wrong.getByRole('alert').waitFor();
    expect((await wrong.getByRole('alert').innerText()).length).toBeGreaterThan(10);
    await wrong.getByLabel('Password').fill(PASSWORD);
    await wrong.getByRole('button', { name: 'Sign in' }).click();
    await wrong.waitFor({ state: 'detached' });
    // Signed in, the invitation is used at once.
    await join.waitFor({ state: 'detached' });
    await pageB.getByRole('status').filter({ hasText: 'You joined Design office' }).waitFor();

    const account = pageB.getByRole('article', { name: `${BEA.email} on 127.0.0.1:${port}` });
    await account.getByRole('region', { name: 'Workspace Design office' }).getByRole('button', { name: 'Download parts…' }).click();
    const clone = pageB.getByRole('dialog', { name: 'Download parts' });
    expect(await clone.getByLabel('Save the base as').inputValue()).toMatch(/parts\.base$/);
    await clone.getByLabel('Save the base as').fill(tmp.file('b/parts.base'));
    await clone.getByRole('button', { name: 'Download' }).click();
    await pageB.getByRole('heading', { name: 'Parts', exact: true }).waitFor({ timeout: 15_000 });
    expect(fs.existsSync(tmp.file('b/parts.base'))).toBe(true);
    await gridText(pageB, 'Hex bolt M8');
    await gridText(pageB, 'Nut M8');
    await waitForBadge(pageB, 'Synced');
  });

  it("shows A's edit on B's page within seconds", async () => {
    await editName(pageA, 0, 'Hex bolt M10');
    await gridText(pageB, 'Hex bolt M10');
  });

  it("shows where B is on A's page: B's initials by the table, an outline on B's cell, B among the base's people", async () => {
    await cell(pageB, 1).click();
    const sidebar = pageA.getByRole('navigation', { name: 'Tables' });
    await sidebar.getByRole('group', { name: `In Parts: ${BEA.name}` }).getByRole('img', { name: BEA.name }).waitFor({ timeout: LIVE_MS });
    await pageA.getByRole('list', { name: 'People in this base' }).getByRole('img', { name: BEA.name }).waitFor();
    await expect.poll(() => cell(pageA, 1).getAttribute('class'), { timeout: LIVE_MS }).toContain('peer-cell');
    expect(await cell(pageA, 1).getAttribute('style')).toContain(BEA.name);
    // Only B's cell is marked, and A does not see itself.
    expect(await cell(pageA, 0).getAttribute('class')).not.toContain('peer-cell');
    expect(await pageA.getByRole('img', { name: ADA.name }).count()).toBe(0);
    await waitForBadge(pageA, 'Synced');
    await waitForBadge(pageB, 'Synced');
    await pageA.screenshot({ path: screenshotPath('sync-02-presence') });
  });

  it('keeps working offline and, with the server back on the same port, brings both edits to both pages', async () => {
    await srv!.close();
    srv = null;
    await waitForBadge(pageA, /^Offline/);
    await waitForBadge(pageB, /^Offline/);

    await editName(pageA, 0, 'Hex bolt M12');
    await editName(pageB, 1, 'Nut M10');
    await gridText(pageA, 'Hex bolt M12');
    await gridText(pageB, 'Nut M10');
    // Kept here, counted in the badge.
    await waitForBadge(pageA, /^Offline — \d+ changes? kept here$/);
    await waitForBadge(pageB, /^Offline — \d+ changes? kept here$/);
    await pageB.screenshot({ path: screenshotPath('sync-03-offline') });

    srv = await startServer(port);
    await waitForBadge(pageA, 'Synced', 25_000);
    await waitForBadge(pageB, 'Synced', 25_000);
    for (const page of [pageA, pageB]) {
      await gridText(page, 'Hex bolt M12');
      await gridText(page, 'Nut M10');
    }
    await pageA.screenshot({ path: screenshotPath('sync-04-back-in-sync') });
  }, 90_000);

  it("shows B on A's page again after the reconnect, at the cell B is on", async () => {
    await pageA.getByRole('list', { name: 'People in this base' }).getByRole('img', { name: BEA.name }).waitFor({ timeout: LIVE_MS });
    await expect.poll(() => cell(pageA, 1).getAttribute('class'), { timeout: LIVE_MS }).toContain('peer-cell');
  });

  it('opens the base read-only for B once B is a viewer: a note, no adding, no editing', async () => {
    await api('PATCH', `/api/v1/workspaces/${team.workspace}/members/${team.bea}`, { role: 'viewer' }, team.adaToken);
    // The engine reads its role when it connects: the server restarts to make it reconnect.
    await srv!.close();
    srv = null;
    await waitForBadge(pageB, /^Offline/);
    srv = await startServer(port);
    await pageB.getByRole('note').filter({ hasText: 'You can view this base; ask an owner for edit access.' }).waitFor({ timeout: 15_000 });
    expect(await pageB.getByRole('button', { name: '+ Add record' }).isDisabled()).toBe(true);
    expect(await pageB.getByRole('button', { name: '+ Field' }).isDisabled()).toBe(true);
    expect(await pageB.getByLabel('New table name').isDisabled()).toBe(true);
    // The grid opens no editor.
    await cell(pageB, 0).dblclick();
    expect(await pageB.locator('.ag-cell-inline-editing').count()).toBe(0);
    await badge(pageB).click();
    const details = pageB.getByRole('dialog', { name: 'Team sync' });
    await details.getByText('Viewer', { exact: true }).waitFor();
    await pageB.screenshot({ path: screenshotPath('sync-05-read-only') });
    await details.press('Escape');
    await details.waitFor({ state: 'detached' });
  }, 30_000);
});
