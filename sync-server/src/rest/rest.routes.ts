/**
 * The Airtable-compatible API under /v0: the meta API (bases, tables, fields) and the records API,
 * so Airtable's clients work with this server's address as their endpoint. Every request is rate
 * limited per token and base (rate-limit.ts), then authenticated (access token or personal API
 * token, Authorization: Bearer), then checked against the scope and the member's current role in
 * the base's workspace. Failures carry Airtable's types and statuses.
 */
import { z } from 'zod';
import { err, ok } from '../../../src-shared/errors';
import { requireScope, type AuthContext, type RequestAuthenticator } from '../auth/authenticate';
import type { Scope } from '../api-tokens/scopes';
import type { Db } from '../db/db';
import { parseBody, validate } from '../http/body';
import { fail, type Failure, type Outcome } from '../http/failures';
import { json, type Handler, type RequestContext, type Router } from '../http/router';
import { fieldToAirtable } from './airtable-fields';
import { findBase, type BaseRow } from './bases.repo';
import { permissionLevel, tableToAirtable, type MetaService } from './meta.service';
import { MAX_PAGE_SIZE, MAX_RECORDS_PER_WRITE, type ListParams, type RecordsService } from './records.service';
import { RestRateLimiter } from './rate-limit';

/** Record bodies: 10 records of many fields (Airtable's own limit is in the same range). */
const RECORDS_BODY_LIMIT = 2 * 1024 * 1024;

const FieldDef = z.object({
  name: z.string().max(255),
  type: z.string().max(100),
  description: z.string().max(20_000).optional(),
  options: z.unknown().optional(),
});
const TableDef = z.object({ name: z.string().max(255), description: z.string().max(20_000).optional(), fields: z.array(FieldDef).max(500) });
const CreateBaseBody = z.object({ name: z.string().trim().min(1, { error: 'a base needs a name' }).max(255), workspaceId: z.string().min(1).max(100), tables: z.array(TableDef).min(1).max(100) });
const Fields = z.record(z.string(), z.unknown());
const RecordsCommon = { typecast: z.boolean().optional(), returnFieldsByFieldId: z.boolean().optional() };
const CreateBody = z.union([
  z.object({ records: z.array(z.object({ fields: Fields })).min(1).max(MAX_RECORDS_PER_WRITE, { error: `at most ${MAX_RECORDS_PER_WRITE} records per request` }), ...RecordsCommon }),
  z.object({ fields: Fields, ...RecordsCommon }),
]);
const UpdateOneBody = z.object({ fields: Fields, ...RecordsCommon });
const UpdateManyBody = z.object({
  records: z.array(z.object({ id: z.string().max(100), fields: Fields })).min(1).max(MAX_RECORDS_PER_WRITE, { error: `at most ${MAX_RECORDS_PER_WRITE} records per request` }),
  performUpsert: z.undefined({ error: 'performUpsert is not supported by this server' }).optional(),
  ...RecordsCommon,
});
const SortSpec = z.object({ field: z.string().max(255), direction: z.enum(['asc', 'desc']).optional() });
const ListSpec = z.object({
  pageSize: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).optional(),
  maxRecords: z.coerce.number().int().min(1).optional(),
  offset: z.string().max(200).optional(),
  fields: z.array(z.string().max(255)).max(500).optional(),
  sort: z.array(SortSpec).max(20).optional(),
  view: z.string().max(255).optional(),
  filterByFormula: z.string().max(10_000).optional(),
  cellFormat: z.enum(['json', 'string']).optional(),
  returnFieldsByFieldId: z.union([z.boolean(), z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1')]).optional(),
  timeZone: z.string().optional(),
  userLocale: z.string().optional(),
});

/** Our generic failures in Airtable's terms: a bad request is 422 INVALID_REQUEST_UNKNOWN; no access is 403. */
function asAirtable(f: Failure): Failure {
  switch (f.failure) {
    case 'INVALID_REQUEST':
      return fail('INVALID_REQUEST_UNKNOWN', f.message);
    case 'INVALID_PERMISSIONS':
      return fail('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', f.message);
    default:
      return f;
  }
}

/** The query string of a list request (`fields[]=`, `sort[0][field]=`, …) as a ListSpec input. */
function listQuery(q: URLSearchParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const sort: Array<Record<string, string>> = [];
  for (const [k, v] of q) {
    const m = /^sort\[(\d+)\]\[(field|direction)\]$/.exec(k);
    if (m) {
      const i = Number(m[1]);
      if (i < 20) (sort[i] ??= {})[m[2]!] = v;
    } else if (k === 'fields[]' || k === 'fields') {
      out.fields = [...((out.fields as string[] | undefined) ?? []), v];
    } else if (!k.includes('[')) {
      out[k] = v;
    }
  }
  if (sort.length > 0) out.sort = sort.filter(Boolean);
  return out;
}

export interface RestDeps {
  db: Db;
  auth: RequestAuthenticator;
  meta: MetaService;
  records: RecordsService;
  limiter: RestRateLimiter;
}

export function restRoutes(router: Router, deps: RestDeps): void {
  const { auth, meta, records, limiter, db } = deps;

  /** Rate limit, then authenticate; `run` gets the caller. */
  const guarded =
    (baseParam: string | null, run: (ctx: RequestContext, who: AuthContext) => Promise<Outcome<unknown> | Failure | { status: number; body: unknown }>): Handler =>
    async (ctx) => {
      const wait = limiter.take(RestRateLimiter.keyOf(ctx.req.headers.authorization, ctx.ip, baseParam ? (ctx.params[baseParam] ?? null) : null));
      if (wait !== null) {
        ctx.req.resume();
        return fail('TOO_MANY_REQUESTS', `Rate limit exceeded: at most 5 requests per second per base; retry after ${wait} s.`, wait);
      }
      const who = await auth.fromHeader(ctx.req.headers.authorization);
      if (!who.ok) {
        ctx.req.resume();
        return who.error;
      }
      const out = await run(ctx, who.value);
      if ('failure' in out) return asAirtable(out);
      if ('ok' in out) return out.ok ? json(200, out.value) : asAirtable(out.error);
      return json(out.status, out.body);
    };

  /** The base, when it exists and the caller may use `scope` in its workspace. */
  async function baseFor(who: AuthContext, baseId: string, scope: Scope): Promise<Outcome<BaseRow>> {
    const base = await findBase(db, baseId);
    const hidden = fail('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'Invalid permissions, or the requested model was not found. Check that both your user and your token have the required permissions, and that the model names and/or ids are correct.');
    if (!base) return err(hidden);
    const role = await requireScope(who, scope, base.workspaceId);
    if (!role.ok) return err(role.error.failure === 'NOT_FOUND' ? hidden : asAirtable(role.error));
    return ok(base);
  }

  // Meta API. Registered before the records routes: /v0/meta/bases would otherwise read as base 'meta', table 'bases'.
  router.add(
    'GET',
    '/v0/meta/bases',
    guarded(null, async (_ctx, who) => {
      if (who.kind === 'apiToken' && !who.scopes.includes('schema.bases:read')) return fail('INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'This API token does not have the scope schema.bases:read.');
      const bases = await meta.listBases(who);
      return ok({ bases: bases.map((b) => ({ id: b.id, name: b.name, permissionLevel: permissionLevel(b.role) })) });
    }),
  );

  router.add(
    'POST',
    '/v0/meta/bases',
    guarded(null, async ({ req }, who) => {
      const body = await parseBody(req, CreateBaseBody, RECORDS_BODY_LIMIT);
      if (!body.ok) return body;
      const role = await requireScope(who, 'schema.bases:write', body.value.workspaceId);
      if (!role.ok) return role;
      return meta.createBase(who, body.value);
    }),
  );

  router.add(
    'GET',
    '/v0/meta/bases/{baseId}/tables',
    guarded('baseId', async ({ params }, who) => {
      const base = await baseFor(who, params.baseId!, 'schema.bases:read');
      if (!base.ok) return base;
      return ok({ tables: (await meta.tables(base.value)).map(tableToAirtable) });
    }),
  );

  router.add(
    'POST',
    '/v0/meta/bases/{baseId}/tables',
    guarded('baseId', async ({ req, params }, who) => {
      const body = await parseBody(req, TableDef, RECORDS_BODY_LIMIT);
      if (!body.ok) return body;
      const base = await baseFor(who, params.baseId!, 'schema.bases:write');
      if (!base.ok) return base;
      const t = await meta.createTable(who, base.value, body.value);
      return t.ok ? ok(tableToAirtable(t.value)) : t;
    }),
  );

  router.add(
    'POST',
    '/v0/meta/bases/{baseId}/tables/{tableId}/fields',
    guarded('baseId', async ({ req, params }, who) => {
      const body = await parseBody(req, FieldDef, RECORDS_BODY_LIMIT);
      if (!body.ok) return body;
      const base = await baseFor(who, params.baseId!, 'schema.bases:write');
      if (!base.ok) return base;
      const f = await meta.createField(who, base.value, params.tableId!, body.value);
      return f.ok ? ok(fieldToAirtable(f.value)) : f;
    }),
  );

  // Records API.
  const list = async (who: AuthContext, params: Record<string, string>, input: unknown) => {
    const spec = validate(ListSpec, input, 'query');
    if (!spec.ok) return spec;
    const base = await baseFor(who, params.baseId!, 'data.records:read');
    if (!base.ok) return base;
    return records.list(base.value, params.table!, spec.value as ListParams);
  };
  router.add('GET', '/v0/{baseId}/{table}', guarded('baseId', async ({ query, params }, who) => list(who, params, listQuery(query))));
  router.add(
    'POST',
    '/v0/{baseId}/{table}/listRecords',
    guarded('baseId', async ({ req, params }, who) => {
      const body = await parseBody(req, z.record(z.string(), z.unknown()), RECORDS_BODY_LIMIT);
      if (!body.ok) return body;
      return list(who, params, body.value);
    }),
  );

  router.add(
    'GET',
    '/v0/{baseId}/{table}/{recordId}',
    guarded('baseId', async ({ query, params }, who) => {
      const base = await baseFor(who, params.baseId!, 'data.records:read');
      if (!base.ok) return base;
      const byId = query.get('returnFieldsByFieldId');
      return records.get(base.value, params.table!, params.recordId!, { returnFieldsByFieldId: byId === 'true' || byId === '1' });
    }),
  );

  router.add(
    'POST',
    '/v0/{baseId}/{table}',
    guarded('baseId', async ({ req, params }, who) => {
      const body = await parseBody(req, CreateBody, RECORDS_BODY_LIMIT);
      if (!body.ok) return body;
      const base = await baseFor(who, params.baseId!, 'data.records:write');
      if (!base.ok) return base;
      const b = body.value;
      const many = 'records' in b;
      const created = await records.create(base.value, params.table!, many ? b.records.map((r) => r.fields) : [b.fields], { typecast: b.typecast ?? false, returnFieldsByFieldId: b.returnFieldsByFieldId });
      if (!created.ok) return created;
      return ok(many ? { records: created.value } : created.value[0]);
    }),
  );

  for (const method of ['PATCH', 'PUT'] as const) {
    const replace = method === 'PUT';
    router.add(
      method,
      '/v0/{baseId}/{table}',
      guarded('baseId', async ({ req, params }, who) => {
        const body = await parseBody(req, UpdateManyBody, RECORDS_BODY_LIMIT);
        if (!body.ok) return body;
        const base = await baseFor(who, params.baseId!, 'data.records:write');
        if (!base.ok) return base;
        const out = await records.update(base.value, params.table!, body.value.records, { typecast: body.value.typecast ?? false, replace, returnFieldsByFieldId: body.value.returnFieldsByFieldId });
        return out.ok ? ok({ records: out.value }) : out;
      }),
    );
    router.add(
      method,
      '/v0/{baseId}/{table}/{recordId}',
      guarded('baseId', async ({ req, params }, who) => {
        const body = await parseBody(req, UpdateOneBody, RECORDS_BODY_LIMIT);
        if (!body.ok) return body;
        const base = await baseFor(who, params.baseId!, 'data.records:write');
        if (!base.ok) return base;
        const out = await records.update(base.value, params.table!, [{ id: params.recordId!, fields: body.value.fields }], { typecast: body.value.typecast ?? false, replace, returnFieldsByFieldId: body.value.returnFieldsByFieldId });
        return out.ok ? ok(out.value[0]) : out;
      }),
    );
  }

  router.add(
    'DELETE',
    '/v0/{baseId}/{table}',
    guarded('baseId', async ({ query, params }, who) => {
      const ids = [...query.getAll('records[]'), ...query.getAll('records')];
      if (ids.length === 0 || ids.length > MAX_RECORDS_PER_WRITE) return fail('INVALID_REQUEST_UNKNOWN', `Name 1 to ${MAX_RECORDS_PER_WRITE} records to delete: ?records[]=rec…`);
      const base = await baseFor(who, params.baseId!, 'data.records:write');
      if (!base.ok) return base;
      const out = await records.delete(base.value, params.table!, ids);
      return out.ok ? ok({ records: out.value }) : out;
    }),
  );
  router.add(
    'DELETE',
    '/v0/{baseId}/{table}/{recordId}',
    guarded('baseId', async ({ params }, who) => {
      const base = await baseFor(who, params.baseId!, 'data.records:write');
      if (!base.ok) return base;
      const out = await records.delete(base.value, params.table!, [params.recordId!]);
      return out.ok ? ok(out.value[0]) : out;
    }),
  );
}
