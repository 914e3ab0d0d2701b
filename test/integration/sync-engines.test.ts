/**
 * Team sync between real app engines and a real sync server on 127.0.0.1 (PGlite, and PostgreSQL
 * when DATABASE_URL is set): publish and clone, live edits both ways, presence, offline edits on
 * both sides merged on reconnect, viewers kept read-only, a removed member stopped.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { testDatabases } from '../../sync-server/src/testing/test-db';
import { startTestServer, useTestWorld, TEST_PASSWORD, type TestServer } from '../../sync-server/src/testing/test-server';
import { startApp, eventually, waitForState, cell, type App } from './sync-engines.support';
import { TestClient } from '../../sync-server/src/sync/testing/test-client';
import { corpusAvailable, corpusPath } from '../../src-main/workers/testing/corpus';

describe.each(testDatabases())('team sync between app engines ($name)', (d) => {
  const world = useTestWorld(d);
  const apps: App[] = [];
  afterEach(() => apps.splice(0).forEach((a) => a.close()));
  const app = (name: string): App => {
    const a = startApp(name);
    apps.push(a);
    return a;
  };

  /** Ann publishes a base with a table Parts (Name, Qty) and one record; Bob joins as `role` and clones it. */
  async function publishedPair(server: TestServer, role: 'editor' | 'viewer' = 'editor') {
    const ann = app('ann');
    const bob = app('bob');
    const url = server.srv.url;
    await ann.client['sync.signIn']({ server: url, email: 'ann@example.com', password: TEST_PASSWORD, register: true, name: 'Ann' });
    const base = await ann.client['base.create']({ path: ann.file('Parts.baseplate') });
    const table = await ann.client['table.create']({ base: base.base, name: 'Parts', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Qty', type: 'number' }] });
    const [nameField, qtyField] = table.fields.map((f) => f.id) as [string, string];
    const { ids } = await ann.client['records.create']({ base: base.base, table: 'Parts', records: [{ [nameField]: 'Bracket', [qtyField]: 4 }] });
    const ws = await ann.client['sync.createWorkspace']({ server: url, name: 'Plant 2' });
    await ann.client['sync.publish']({ base: base.base, server: url, workspace: ws.id });
    await waitForState(ann, base.base, 'synced');

    const bobAccount = await bob.client['sync.signIn']({ server: url, email: 'bob@example.com', password: TEST_PASSWORD, register: true, name: 'Bob' });
    const annLogin = await server.api<{ accessToken: string }>('POST', '/api/v1/auth/login', { body: { email: 'ann@example.com', password: TEST_PASSWORD } });
    const inv = await server.api<{ url: string }>('POST', `/api/v1/workspaces/${ws.id}/invitations`, { token: annLogin.body.accessToken, body: { role } });
    // Bob pastes the link he was sent: it names the server and the invitation.
    const joined = await bob.client['sync.acceptInvitation']({ invitation: inv.body.url });
    expect(joined).toEqual({ id: ws.id, name: 'Plant 2', role, bases: [{ id: base.baseId, name: 'Parts', localPath: null }] });
    await expect(bob.client['sync.acceptInvitation']({ invitation: inv.body.url })).rejects.toMatchObject({ code: 'SERVER_REFUSED' });

    const listed = await bob.client['sync.workspaces']({ server: url });
    expect(listed).toEqual([joined]);
    const copy = await bob.client['sync.clone']({ server: url, workspace: ws.id, remoteBase: base.baseId, path: bob.file('Parts copy.baseplate') });
    expect(copy.baseId).toBe(base.baseId);
    return { ann, bob, url, ws, annBase: base.base, bobBase: copy.base, record: ids[0]!, nameField, qtyField, bobUserId: bobAccount.user.id, annToken: annLogin.body.accessToken };
  }

  it('clones a published base, then edits reach the other engine live, both ways', async () => {
    const server = await world.start({ sync: true });
    const { ann, bob, annBase, bobBase, record, nameField, qtyField, url, ws } = await publishedPair(server);
    expect(await cell(bob, bobBase, 'Parts', record, nameField)).toBe('Bracket');
    expect(await bob.client['sync.workspaces']({ server: url })).toMatchObject([{ id: ws.id, bases: [{ localPath: bob.file('Parts copy.baseplate') }] }]);
    await waitForState(bob, bobBase, 'synced');

    const t0 = performance.now();
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [qtyField]: 12 } }] });
    await eventually('Ann\'s edit on Bob\'s side', async () => (await cell(bob, bobBase, 'Parts', record, qtyField)) === 12);
    expect(performance.now() - t0).toBeLessThan(1000);

    const { ids } = await bob.client['records.create']({ base: bobBase, table: 'Parts', records: [{ [nameField]: 'Hinge' }] });
    await eventually('Bob\'s new record on Ann\'s side', async () => (await cell(ann, annBase, 'Parts', ids[0]!, nameField)) === 'Hinge');
    // A new table (and so a new shard doc) made on one side appears on the other.
    await bob.client['table.create']({ base: bobBase, name: 'Suppliers', fields: [{ name: 'Company', type: 'singleLineText' }] });
    await eventually('the new table on Ann\'s side', async () => (await ann.client['schema.get']({ base: annBase })).tables.some((t) => t.name === 'Suppliers'));
    await waitForState(ann, annBase, 'synced');
    await waitForState(bob, bobBase, 'synced');
    const annCount = await ann.client['records.count']({ base: annBase, table: 'Parts' });
    const bobCount = await bob.client['records.count']({ base: bobBase, table: 'Parts' });
    expect(annCount).toEqual({ count: 2 });
    expect(bobCount).toEqual({ count: 2 });
  });

  it('downloads a whole workspace into a folder, the bases named safely after theirs', async () => {
    const server = await world.start({ sync: true });
    const { ann, bob, url, ws, record, nameField, bobBase } = await publishedPair(server);
    // A second base, with a name no file could have as is.
    const other = await ann.client['base.create']({ path: ann.file('Jigs.baseplate') });
    await ann.client['table.create']({ base: other.base, name: 'Jigs' });
    await ann.client['sync.publish']({ base: other.base, server: url, workspace: ws.id });
    await waitForState(ann, other.base, 'synced');
    await bob.client['base.close']({ base: bobBase });
    const folder = bob.file('team');
    fs.mkdirSync(folder);
    const done = await bob.client['sync.cloneWorkspace']({ server: url, workspace: ws.id, folder });
    // Parts was already here (Bob's copy): only Jigs came.
    expect(done).toEqual([{ id: other.baseId, name: 'Jigs', path: `${folder}/Jigs.base` }]);
    const listed = (await bob.client['sync.workspaces']({ server: url }))[0]!.bases;
    expect(listed.map((b) => [b.name, b.localPath])).toEqual([['Parts', bob.file('Parts copy.baseplate')], ['Jigs', `${folder}/Jigs.base`]]);
    const opened = await bob.client['base.open']({ path: `${folder}/Jigs.base` });
    expect(opened.schema.tables.map((t) => t.name)).toEqual(['Jigs']);
    await waitForState(bob, opened.base, 'synced');
    const parts = await bob.client['base.open']({ path: bob.file('Parts copy.baseplate') });
    expect(await cell(bob, parts.base, 'Parts', record, nameField)).toBe('Bracket');
  });

  it('shows who is in which table and which cell', async () => {
    const server = await world.start({ sync: true });
    const { ann, bob, annBase, bobBase, record, nameField } = await publishedPair(server);
    const tableId = (await bob.client['schema.get']({ base: bobBase })).tables[0]!.id;
    await bob.client['sync.presence']({ base: bobBase, table: tableId, cell: { record, field: nameField } });
    const seen = await eventually('Bob\'s cell in Ann\'s peers', async () =>
      (await ann.client['sync.peers']({ base: annBase })).find((p) => !p.self && p.user.name === 'Bob' && p.cell !== null));
    expect(seen).toMatchObject({ table: tableId, cell: { record, field: nameField }, user: { name: 'Bob', color: expect.stringMatching(/^#[0-9a-f]{6}$/i) } });
    // A member cannot appear as someone else: the server writes the sender's identity into presence.
    const { accessToken } = (await server.api<{ accessToken: string }>('POST', '/api/v1/auth/login', { body: { email: 'bob@example.com', password: TEST_PASSWORD } })).body;
    const baseId = (await ann.client['sync.status']({ base: annBase }))[0]!.baseId;
    const { workspace } = (await ann.client['sync.status']({ base: annBase }))[0]!;
    const spoof = await TestClient.connect(`${server.srv.url.replace('http', 'ws')}/sync/${workspace!.id}?token=${accessToken}`, { framing: 'app' });
    const annUser = (await ann.client['sync.accounts']({}))[0]!.user;
    spoof.open(`${baseId}/schema`);
    spoof.docs.get(`${baseId}/schema`)!.awareness.setLocalState({ user: { id: annUser.id, name: 'Ann', color: '#000000' }, table: tableId, cell: null });
    const faked = await eventually('the spoofing client in Ann\'s peers', async () =>
      (await ann.client['sync.peers']({ base: annBase })).find((p) => !p.self && p.user.color === '#000000'));
    expect(faked.user).toMatchObject({ name: 'Bob', id: expect.not.stringMatching(annUser.id) });
    spoof.close();
    // Bob closes the base: Ann no longer sees him.
    await bob.client['base.close']({ base: bobBase });
    await eventually('Bob gone from Ann\'s peers', async () => !(await ann.client['sync.peers']({ base: annBase })).some((p) => !p.self));
  });

  it('keeps edits made on both sides while the server is down, and merges them on reconnect', async () => {
    const server = await world.start({ sync: true });
    const port = Number(new URL(server.srv.url).port);
    const { ann, bob, annBase, bobBase, record, nameField, qtyField } = await publishedPair(server);
    await waitForState(bob, bobBase, 'synced');
    await server.srv.close();
    await waitForState(ann, annBase, 'offline');
    await waitForState(bob, bobBase, 'offline');

    // Different cells of the same record, a new record on each side, and the same cell on both.
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [nameField]: 'Bracket, long' } }] });
    await bob.client['records.update']({ base: bobBase, table: 'Parts', updates: [{ id: record, fields: { [qtyField]: 40 } }] });
    const a = (await ann.client['records.create']({ base: annBase, table: 'Parts', records: [{ [nameField]: 'Ann offline' }] })).ids[0]!;
    const b = (await bob.client['records.create']({ base: bobBase, table: 'Parts', records: [{ [nameField]: 'Bob offline' }] })).ids[0]!;
    const [offline] = await ann.client['sync.status']({ base: annBase });
    expect(offline).toMatchObject({ state: 'offline', pending: 2 });

    // The same database on the same port; a new TOKEN_SECRET too, so the apps' access tokens are
    // refused and they must sign in again with their refresh tokens, on their own.
    const again = await startTestServer(world.db(), { sync: true, env: { PORT: String(port) } });
    try {
      await waitForState(ann, annBase, 'synced', 20_000);
      await waitForState(bob, bobBase, 'synced', 20_000);
      await eventually('both sides to hold everything', async () => {
        for (const side of [{ app: ann, base: annBase }, { app: bob, base: bobBase }]) {
          if ((await cell(side.app, side.base, 'Parts', record, nameField)) !== 'Bracket, long') return false;
          if ((await cell(side.app, side.base, 'Parts', record, qtyField)) !== 40) return false;
          if ((await cell(side.app, side.base, 'Parts', a, nameField)) !== 'Ann offline') return false;
          if ((await cell(side.app, side.base, 'Parts', b, nameField)) !== 'Bob offline') return false;
        }
        return true;
      });
    } finally {
      await again.close();
    }
  });

  it('brings attachment bytes with the cells that refer to them, both ways, checked by their hash', async () => {
    const server = await world.start({ sync: true });
    const { ann, bob, annBase, bobBase, record } = await publishedPair(server);
    const field = (await ann.client['field.create']({ base: annBase, table: 'Parts', name: 'Drawing', type: 'attachment' })).id;
    const pdf = ann.file('A-100.pdf');
    fs.writeFileSync(pdf, crypto.randomBytes(3 * 1024 * 1024 + 17));
    const { attachments } = await ann.client['attachment.add']({ base: annBase, paths: [pdf] });
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [field]: attachments } }] });

    const got = await eventually('the bytes on Bob\'s side', async () => {
      const info = await bob.client['attachment.get']({ base: bobBase, id: attachments[0]!.id });
      return fs.existsSync(info.file) ? info : undefined;
    });
    expect(got).toMatchObject({ name: 'A-100.pdf', sha256: attachments[0]!.sha256, size: 3 * 1024 * 1024 + 17 });
    expect(fs.readFileSync(got.file).equals(fs.readFileSync(pdf))).toBe(true);
    await waitForState(bob, bobBase, 'synced');

    // Bob attaches a file of his own to the same record: Ann gets its bytes.
    const dxf = bob.file('A-101.dxf');
    fs.writeFileSync(dxf, '0\nSECTION\n2\nENTITIES\n0\nENDSEC\n0\nEOF\n');
    const mine = (await bob.client['attachment.add']({ base: bobBase, paths: [dxf] })).attachments;
    await bob.client['records.update']({ base: bobBase, table: 'Parts', updates: [{ id: record, fields: { [field]: [...attachments, ...mine] } }] });
    const back = await eventually('Bob\'s file on Ann\'s side', async () => {
      const info = await ann.client['attachment.get']({ base: annBase, id: mine[0]!.id });
      return fs.existsSync(info.file) ? info : undefined;
    });
    expect(fs.readFileSync(back.file, 'utf8')).toBe(fs.readFileSync(dxf, 'utf8'));
  });

  it.skipIf(!corpusAvailable())('reads a drawing that arrives by sync on the receiving machine: its text is searchable there, with previews', async () => {
    const server = await world.start({ sync: true });
    const { ann, bob, annBase, bobBase, record } = await publishedPair(server);
    const field = (await ann.client['field.create']({ base: annBase, table: 'Parts', name: 'Drawing', type: 'attachment' })).id;
    const { attachments } = await ann.client['attachment.add']({ base: annBase, paths: [corpusPath('pdf/Gripper.PDF')] });
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [field]: attachments } }] });
    // Found by a word only the drawing holds (its title block), not the record's own cells.
    const hits = await eventually('Bob\'s search to find the drawing\'s text', async () => {
      const page = await bob.client['records.query']({ base: bobBase, table: 'Parts', search: 'Weird_Gripper_Cam' });
      return page.records.length > 0 ? page.records : undefined;
    }, 60_000);
    expect(hits.map((r) => r.id)).toEqual([record]);
    const previews = await bob.client['attachment.previews']({ base: bobBase, id: attachments[0]!.id });
    expect(previews).toMatchObject({ kind: 'pdf', thumbnails: expect.any(Number) });
    expect(previews.thumbnails).toBeGreaterThan(0);
  }, 90_000);

  it('says so when the server refuses a file as too large, and survives being closed in the middle of a download', async () => {
    const server = await world.start({ sync: true, env: { MAX_BLOB_BYTES: String(2 * 1024 * 1024) } });
    const { ann, bob, annBase, bobBase, record } = await publishedPair(server);
    const field = (await ann.client['field.create']({ base: annBase, table: 'Parts', name: 'Drawing', type: 'attachment' })).id;
    const big = ann.file('scan.tif');
    fs.writeFileSync(big, crypto.randomBytes(3 * 1024 * 1024));
    const { attachments } = await ann.client['attachment.add']({ base: annBase, paths: [big] });
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [field]: attachments } }] });
    const refused = await waitForState(ann, annBase, 'error');
    expect(refused.reason).toMatch(/refused an attachment as too large \(scan\.tif, 3145728 bytes\)/);

    // A file the server takes; Bob's engine closes while it may still be downloading: nothing breaks.
    const ok = ann.file('ok.pdf');
    fs.writeFileSync(ok, crypto.randomBytes(1024 * 1024));
    const second = (await ann.client['attachment.add']({ base: annBase, paths: [ok] })).attachments;
    await ann.client['records.update']({ base: annBase, table: 'Parts', updates: [{ id: record, fields: { [field]: [...attachments, ...second] } }] });
    await eventually('the record on Bob\'s side', async () => ((await cell(bob, bobBase, 'Parts', record, field)) as unknown[] | null)?.length === 2);
    bob.engine.close();
    await new Promise((r) => setTimeout(r, 300));
  });

  it('syncs one open copy of a base, and tells the other why it does not', async () => {
    const server = await world.start({ sync: true });
    const { bob, bobBase } = await publishedPair(server);
    const [status] = await bob.client['sync.status']({ base: bobBase });
    await bob.client['base.close']({ base: bobBase });
    fs.copyFileSync(bob.file('Parts copy.baseplate'), bob.file('Parts copy 2.baseplate'));
    const first = await bob.client['base.open']({ path: bob.file('Parts copy.baseplate') });
    const second = await bob.client['base.open']({ path: bob.file('Parts copy 2.baseplate') });
    expect(second.baseId).toBe(status!.baseId);
    await waitForState(bob, first.base, 'synced');
    expect((await waitForState(bob, second.base, 'error')).reason).toMatch(/Another open copy of this base/);
    await bob.client['base.close']({ base: first.base });
    await waitForState(bob, second.base, 'synced');
  });

  it('a role changed while online applies at once: made viewer, the base turns read-only; made editor again, edits flow', async () => {
    const server = await world.start({ sync: true });
    const { ann, annBase, bob, bobBase, record, qtyField, ws, bobUserId, annToken } = await publishedPair(server);
    await waitForState(bob, bobBase, 'synced');
    const setRole = async (role: string) =>
      expect((await server.api('PATCH', `/api/v1/workspaces/${ws.id}/members/${bobUserId}`, { token: annToken, body: { role } })).status).toBe(200);
    const roleOnBob = (role: string) => eventually(`Bob's role to be ${role}`, async () => (await bob.client['sync.status']({ base: bobBase }))[0]?.role === role);
    await setRole('viewer');
    await roleOnBob('viewer');
    await expect(bob.client['records.update']({ base: bobBase, table: 'Parts', updates: [{ id: record, fields: { [qtyField]: 7 } }] })).rejects.toMatchObject({ code: 'READ_ONLY' });
    await setRole('editor');
    await roleOnBob('editor');
    await bob.client['records.update']({ base: bobBase, table: 'Parts', updates: [{ id: record, fields: { [qtyField]: 8 } }] });
    await eventually('Bob\'s edit on Ann\'s side', async () => (await cell(ann, annBase, 'Parts', record, qtyField)) === 8);
    expect((await bob.client['sync.status']({ base: bobBase }))[0]?.state).not.toBe('error');
  });

  it('keeps a viewer read-only, and stops syncing for someone removed from the workspace', async () => {
    const server = await world.start({ sync: true });
    const { bob, bobBase, record, qtyField, ws, bobUserId, annToken } = await publishedPair(server, 'viewer');
    await waitForState(bob, bobBase, 'synced');
    const [status] = await bob.client['sync.status']({ base: bobBase });
    expect(status).toMatchObject({ role: 'viewer', workspace: { id: ws.id, name: 'Plant 2' }, user: { name: 'Bob' } });
    await expect(bob.client['records.update']({ base: bobBase, table: 'Parts', updates: [{ id: record, fields: { [qtyField]: 99 } }] })).rejects.toMatchObject({ code: 'READ_ONLY' });
    expect(await cell(bob, bobBase, 'Parts', record, qtyField)).toBe(4);

    expect((await server.api('DELETE', `/api/v1/workspaces/${ws.id}/members/${bobUserId}`, { token: annToken })).status).toBe(204);
    const stopped = await waitForState(bob, bobBase, 'error');
    expect(stopped.reason).toMatch(/removed from this workspace/);
  });
});
