/**
 * The Airtable-compatible API over real HTTP and a real database (PGlite, and PostgreSQL with
 * DATABASE_URL): the official `airtable` client lists, finds, creates, updates, replaces and
 * deletes; the meta API creates and lists bases and tables; roles and scopes are enforced; a
 * socket on a shard sees a REST write live; bursts get 429; /openapi.json lists every route.
 */
import Airtable from 'airtable';
import type * as Y from 'yjs';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../testing/test-db';
import { useTestWorld, type TestServer } from '../testing/test-server';
import { TestClient } from '../sync/testing/test-client';
import { ROUTE_SUMMARIES } from './openapi';

interface Setup {
  t: TestServer;
  owner: { accessToken: string; user: { id: string } };
  workspaceId: string;
  token: string;
  baseId: string;
}

const ALL_SCOPES = ['data.records:read', 'data.records:write', 'schema.bases:read', 'schema.bases:write'];

async function apiToken(t: TestServer, session: string, workspaceId: string, scopes: string[]): Promise<string> {
  const res = await t.api<{ token: string }>('POST', '/api/v1/tokens', { token: session, body: { name: 'script', scopes, workspaceIds: [workspaceId] } });
  expect(res.status).toBe(201);
  return res.body.token;
}

async function setup(t: TestServer): Promise<Setup> {
  const owner = await t.register('Alice');
  const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'Plant 2' } });
  const token = await apiToken(t, owner.accessToken, ws.body.id, ALL_SCOPES);
  const base = await t.api<{ id: string; tables: Array<{ id: string; name: string; primaryFieldId: string; fields: Array<{ id: string; name: string; type: string }> }> }>('POST', '/v0/meta/bases', {
    token,
    body: {
      name: 'Inventory',
      workspaceId: ws.body.id,
      tables: [
        {
          name: 'Parts',
          fields: [
            { name: 'Name', type: 'singleLineText' },
            { name: 'Qty', type: 'number', options: { precision: 0 } },
            { name: 'Status', type: 'singleSelect', options: { choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done' }] } },
            { name: 'Tags', type: 'multipleSelects', options: { choices: [{ name: 'metal' }, { name: 'small' }] } },
            { name: 'Due', type: 'date', options: { dateFormat: { name: 'iso' } } },
            { name: 'Checked', type: 'checkbox', options: { icon: 'check', color: 'greenBright' } },
            { name: 'No', type: 'autoNumber' },
          ],
        },
      ],
    },
  });
  expect(base.status).toBe(200);
  expect(base.body.tables[0]).toMatchObject({ name: 'Parts', primaryFieldId: base.body.tables[0]!.fields[0]!.id });
  return { t, owner, workspaceId: ws.body.id, token, baseId: base.body.id };
}

describe.each(testDatabases())('the Airtable-compatible API on $name', (d) => {
  const world = useTestWorld(d);

  it('the official airtable client selects, finds, creates, updates, replaces and destroys records', async () => {
    const t = await world.start({ sync: true });
    const s = await setup(t);
    const table = new Airtable({ apiKey: s.token, endpointUrl: t.srv.url, noRetryIfRateLimited: true }).base(s.baseId)('Parts');

    const created = await table.create([
      { fields: { Name: 'M8 bolt', Qty: 40, Status: 'Open', Tags: ['metal', 'small'], Due: '2024-05-01' } },
      { fields: { Name: 'Washer', Qty: 2, Status: 'Open' } },
      { fields: { Name: 'Nut', Qty: 12, Status: 'Done', Checked: true } },
    ]);
    expect(created.map((r) => r.get('Name'))).toEqual(['M8 bolt', 'Washer', 'Nut']);
    expect(created[0]!.id).toMatch(/^rec[0-9A-Za-z]{14}$/);
    expect(created[0]!.fields).toMatchObject({ Tags: ['metal', 'small'], Due: '2024-05-01', No: 1 });
    expect(created[2]!.get('No')).toBe(3);
    const single = await table.create({ Name: 'Spring', Qty: '7' });
    expect(single.get('Qty')).toBe(7);

    const open = await table.select({ filterByFormula: "AND({Status} = 'Open', {Qty} > 1)", sort: [{ field: 'Qty', direction: 'desc' }] }).all();
    expect(open.map((r) => r.get('Name'))).toEqual(['M8 bolt', 'Washer']);
    const found = await table.select({ filterByFormula: "OR(FIND('sh', LOWER({Name})), {Checked})", fields: ['Name'] }).all();
    expect(found.map((r) => r.fields)).toEqual([{ Name: 'Washer' }, { Name: 'Nut' }]);
    const blanks = await table.select({ filterByFormula: "{Status} = BLANK()" }).all();
    expect(blanks.map((r) => r.get('Name'))).toEqual(['Spring']);
    // Pages: the client follows the offsets.
    const paged: string[] = [];
    await table.select({ pageSize: 2, sort: [{ field: 'Name' }] }).eachPage((records, next) => {
      paged.push(...records.map((r) => String(r.get('Name'))));
      next();
    });
    expect(paged).toEqual(['M8 bolt', 'Nut', 'Spring', 'Washer']);

    const one = await table.find(created[0]!.id);
    expect(one.fields).toMatchObject({ Name: 'M8 bolt', Qty: 40, Status: 'Open' });

    const updated = await table.update(created[0]!.id, { Qty: 39 });
    expect(updated.fields).toMatchObject({ Name: 'M8 bolt', Qty: 39 });
    const batch = await table.update([
      { id: created[1]!.id, fields: { Status: 'Done' } },
      { id: created[2]!.id, fields: { Qty: 11 } },
    ]);
    expect(batch.map((r) => [r.get('Status'), r.get('Qty')])).toEqual([['Done', 2], ['Done', 11]]);
    const replaced = await table.replace(created[0]!.id, { Name: 'M8 bolt, zinc' });
    expect(replaced.fields).toEqual({ Name: 'M8 bolt, zinc', No: 1 });

    await expect(table.update(created[0]!.id, { Qty: 'many' })).rejects.toMatchObject({ statusCode: 422, error: 'INVALID_VALUE_FOR_COLUMN' });
    await expect(table.create({ Colour: 'red' })).rejects.toMatchObject({ statusCode: 422, error: 'UNKNOWN_FIELD_NAME' });
    await expect(table.select({ filterByFormula: '{Nope} = 1' }).all()).rejects.toMatchObject({ statusCode: 422, error: 'INVALID_FILTER_BY_FORMULA' });

    const gone = await table.destroy(created[0]!.id);
    expect(gone.id).toBe(created[0]!.id);
    const many = await table.destroy([created[1]!.id, created[2]!.id]);
    expect(many.map((r) => r.id)).toEqual([created[1]!.id, created[2]!.id]);
    await expect(table.find(created[0]!.id)).rejects.toMatchObject({ statusCode: 404 });
    expect((await table.select().all()).map((r) => r.get('Name'))).toEqual(['Spring']);
  }, 60_000);

  it('the meta API creates and lists bases, tables and fields in Airtable shapes, and audits schema changes', async () => {
    const t = await world.start();
    const s = await setup(t);
    const bases = await t.api<{ bases: Array<{ id: string; name: string; permissionLevel: string }> }>('GET', '/v0/meta/bases', { token: s.token });
    expect(bases.body.bases).toEqual([{ id: s.baseId, name: 'Inventory', permissionLevel: 'create' }]);

    const table = await t.api<{ id: string }>('POST', `/v0/meta/bases/${s.baseId}/tables`, {
      token: s.token,
      body: { name: 'Suppliers', fields: [{ name: 'Name', type: 'singleLineText' }, { name: 'Rate', type: 'currency', options: { precision: 2, symbol: '€' } }] },
    });
    expect(table.status).toBe(200);
    const field = await t.api('POST', `/v0/meta/bases/${s.baseId}/tables/${table.body.id}/fields`, { token: s.token, body: { name: 'Since', type: 'dateTime', options: { timeZone: 'Europe/Berlin', dateFormat: { name: 'us' }, timeFormat: { name: '12hour' } } } });
    expect(field.status).toBe(200);
    expect(field.body).toMatchObject({ name: 'Since', type: 'dateTime', options: { timeZone: 'Europe/Berlin', dateFormat: { name: 'us' }, timeFormat: { name: '12hour' } } });

    const tables = await t.api<{ tables: Array<{ name: string; fields: Array<{ name: string; type: string; options?: unknown }>; views: unknown[] }> }>('GET', `/v0/meta/bases/${s.baseId}/tables`, { token: s.token });
    expect(tables.status).toBe(200);
    expect(tables.body.tables.map((x) => x.name)).toEqual(['Parts', 'Suppliers']);
    expect(tables.body.tables[0]!.fields.map((f) => f.type)).toEqual(['singleLineText', 'number', 'singleSelect', 'multipleSelects', 'date', 'checkbox', 'autoNumber']);
    expect(tables.body.tables[0]!.fields[2]!.options).toMatchObject({ choices: [{ name: 'Open', color: 'blueLight2' }, { name: 'Done' }] });
    expect(tables.body.tables[1]!.fields.map((f) => [f.name, f.type])).toEqual([['Name', 'singleLineText'], ['Rate', 'currency'], ['Since', 'dateTime']]);
    expect(tables.body.tables[1]!.views).toEqual([expect.objectContaining({ name: 'Grid view', type: 'grid' })]);

    const bad = await t.api('POST', '/v0/meta/bases', { token: s.token, body: { name: 'X', workspaceId: s.workspaceId, tables: [{ name: 'T', fields: [{ name: 'F', type: 'formula' }] }] } });
    expect(bad.status).toBe(422);
    expect(bad.body).toMatchObject({ error: { type: 'INVALID_FIELD_TYPE' } });
    const dup = await t.api('POST', `/v0/meta/bases/${s.baseId}/tables`, { token: s.token, body: { name: 'parts', fields: [{ name: 'Name', type: 'singleLineText' }] } });
    expect(dup.status).toBe(422);

    const audit = await t.api<{ entries: Array<{ action: string; details: { change: string } }> }>('GET', `/api/v1/workspaces/${s.workspaceId}/audit`, { token: s.owner.accessToken });
    expect(audit.body.entries.filter((e) => e.action === 'schema.change').map((e) => e.details.change).sort()).toEqual(['base.create', 'field.create', 'table.create']);
  }, 60_000);

  it("refuses a viewer's writes and a token without data.records:write, and hides other teams' bases", async () => {
    const t = await world.start();
    const s = await setup(t);
    const bob = await t.register('Bob');
    const inv = await t.api<{ token: string }>('POST', `/api/v1/workspaces/${s.workspaceId}/invitations`, { token: s.owner.accessToken, body: { role: 'viewer' } });
    expect((await t.api('POST', '/api/v1/invitations/accept', { token: bob.accessToken, body: { token: inv.body.token } })).status).toBe(200);
    const bobToken = await apiToken(t, bob.accessToken, s.workspaceId, ALL_SCOPES);
    const readOnly = await apiToken(t, s.owner.accessToken, s.workspaceId, ['data.records:read']);

    const made = await t.api<{ id: string }>('POST', `/v0/${s.baseId}/Parts`, { token: s.token, body: { fields: { Name: 'Bolt' } } });
    expect(made.status).toBe(200);
    for (const token of [bobToken, bob.accessToken, readOnly]) {
      const write = await t.api('POST', `/v0/${s.baseId}/Parts`, { token, body: { fields: { Name: 'Sneaky' } } });
      expect(write.status).toBe(403);
      expect(write.body).toMatchObject({ error: { type: 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND' } });
      expect((await t.api('DELETE', `/v0/${s.baseId}/Parts/${made.body.id}`, { token })).status).toBe(403);
      const read = await t.api<{ records: Array<{ fields: { Name: string } }> }>('GET', `/v0/${s.baseId}/Parts`, { token });
      expect(read.status).toBe(200);
      expect(read.body.records.map((r) => r.fields.Name)).toEqual(['Bolt']);
    }
    // The viewer's session lists the base read-only; a token without schema scopes cannot list bases.
    const bobBases = await t.api<{ bases: Array<{ permissionLevel: string }> }>('GET', '/v0/meta/bases', { token: bob.accessToken });
    expect(bobBases.body.bases.map((b) => b.permissionLevel)).toEqual(['read']);
    expect((await t.api('GET', '/v0/meta/bases', { token: readOnly })).status).toBe(403);

    const carol = await t.register('Carol');
    const stranger = await t.api('GET', `/v0/${s.baseId}/Parts`, { token: carol.accessToken });
    expect(stranger.status).toBe(403);
    expect((await t.api<{ bases: unknown[] }>('GET', '/v0/meta/bases', { token: carol.accessToken })).body.bases).toEqual([]);
    const nobody = await t.api('GET', `/v0/${s.baseId}/Parts`);
    expect(nobody.status).toBe(401);
    expect(nobody.body).toMatchObject({ error: { type: 'AUTHENTICATION_REQUIRED' } });
    expect((await t.api('GET', `/v0/${s.baseId}/Nope`, { token: s.token })).status).toBe(404);
  }, 60_000);

  it('a socket subscribed to a shard sees a record created over REST live', async () => {
    const t = await world.start({ sync: true });
    const s = await setup(t);
    const first = await t.api<{ id: string }>('POST', `/v0/${s.baseId}/Parts`, { token: s.token, body: { fields: { Name: 'First' } } });
    expect(first.status).toBe(200);

    const client = await TestClient.connect(`${t.srv.url.replace(/^http/, 'ws')}/sync/${s.workspaceId}?token=${encodeURIComponent(s.owner.accessToken)}`, { framing: 'app' });
    const schema = client.open(`${s.baseId}/schema`);
    await client.synced(`${s.baseId}/schema`);
    const [tableId, tableMap] = [...schema.getMap<Y.Map<unknown>>('tables').entries()][0]!;
    const shardId = [...(tableMap.get('shards') as Y.Map<unknown>).keys()][0]!;
    const shardName = `${s.baseId}/${tableId}/${shardId}`;
    const shard = client.open(shardName);
    await client.synced(shardName);
    expect(shard.getMap('records').has(first.body.id)).toBe(true);

    const second = await t.api<{ id: string }>('POST', `/v0/${s.baseId}/Parts`, { token: s.token, body: { fields: { Name: 'Second' } } });
    await expect.poll(() => shard.getMap('records').has(second.body.id)).toBe(true);
    await t.api('PATCH', `/v0/${s.baseId}/Parts/${second.body.id}`, { token: s.token, body: { fields: { Qty: 3 } } });
    await expect.poll(() => shard.getMap('cells').size).toBe(1);
    client.close();
  }, 60_000);

  it('answers 429 with Retry-After once a token bursts past its rate', async () => {
    const t = await world.start({ restRateLimit: { perSecond: 1, burst: 3 } });
    const owner = await t.register('Alice');
    const ws = await t.api<{ id: string }>('POST', '/api/v1/workspaces', { token: owner.accessToken, body: { name: 'W' } });
    const token = await apiToken(t, owner.accessToken, ws.body.id, ALL_SCOPES);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 6; i++) {
      const res = await t.api('GET', '/v0/meta/bases', { token });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // Another token has its own bucket.
    const other = await apiToken(t, owner.accessToken, ws.body.id, ALL_SCOPES);
    expect((await t.api('GET', '/v0/meta/bases', { token: other })).status).toBe(200);
  });

  it('/openapi.json lists every route with its method and a summary', async () => {
    const t = await world.start();
    const res = await t.api<{ openapi: string; paths: Record<string, Record<string, { summary: string }>> }>('GET', '/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    const listed = Object.entries(res.body.paths).flatMap(([path, ops]) => Object.entries(ops).map(([m, op]) => [`${m.toUpperCase()} ${path}`, op.summary] as const));
    const documented = new Set(Object.keys(ROUTE_SUMMARIES));
    // Every route served has a written summary, and every summary names a route served.
    expect(listed.filter(([key]) => !documented.has(key))).toEqual([]);
    expect(listed.map(([key]) => key).sort()).toEqual([...documented].sort());
    expect(Object.keys(res.body.paths['/v0/{baseId}/{table}']!).sort()).toEqual(['delete', 'get', 'patch', 'post', 'put']);
  });
});
