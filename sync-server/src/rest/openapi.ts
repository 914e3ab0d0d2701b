/**
 * GET /openapi.json: an OpenAPI 3.1 document generated from the router's own table, so every route
 * the server answers is listed (and none it does not). Summaries and tags come from the table
 * below; a route missing from it still appears, with a generic summary, and a test checks that
 * none is missing.
 */
import { json, type Method, type Router } from '../http/router';

export const ROUTE_SUMMARIES: Record<string, string> = {
  'GET /health': 'Liveness: the process answers',
  'GET /ready': 'Readiness: the database answers',
  'GET /openapi.json': 'This OpenAPI document',
  'POST /api/v1/auth/register': 'Create an account (the first one on an empty server is its admin)',
  'POST /api/v1/auth/login': 'Sign in: access and refresh tokens',
  'POST /api/v1/auth/refresh': 'Exchange a refresh token for new tokens (rotating)',
  'POST /api/v1/auth/logout': 'End this sign-in',
  'GET /api/v1/auth/me': 'The signed-in user',
  'POST /api/v1/auth/password': 'Change the password',
  'POST /api/v1/tokens': 'Create a personal API token (shown once)',
  'GET /api/v1/tokens': 'List your API tokens',
  'DELETE /api/v1/tokens/{id}': 'Delete an API token',
  'POST /api/v1/workspaces': 'Create a workspace',
  'GET /api/v1/workspaces': 'List your workspaces',
  'GET /api/v1/workspaces/{id}/members': 'List members of a workspace',
  'PATCH /api/v1/workspaces/{id}/members/{userId}': "Change a member's role",
  'DELETE /api/v1/workspaces/{id}/members/{userId}': 'Remove a member (or leave)',
  'POST /api/v1/workspaces/{id}/invitations': 'Invite someone by link',
  'GET /api/v1/workspaces/{id}/invitations': 'List open invitations',
  'DELETE /api/v1/workspaces/{id}/invitations/{invitationId}': 'Revoke an invitation',
  'POST /api/v1/invitations/accept': 'Accept an invitation',
  'GET /api/v1/workspaces/{id}/bases': "List a workspace's bases (any member)",
  'POST /api/v1/workspaces/{id}/bases': 'Register a base the app made, under its own id (editors and up)',
  'PUT /api/v1/workspaces/{id}/blobs/{sha256}': 'Upload an attachment blob named by its SHA-256 (editors and up)',
  'GET /api/v1/workspaces/{id}/blobs/{sha256}': "Download an attachment blob of the workspace",
  'HEAD /api/v1/workspaces/{id}/blobs/{sha256}': "An attachment blob's headers (size, ETag) without its bytes",
  'GET /api/v1/workspaces/{id}/audit': "A workspace's audit log (owners and admins)",
  'GET /api/v1/audit': 'The whole audit log (server admins)',
  'GET /v0/meta/bases': 'List bases (Airtable meta API)',
  'POST /v0/meta/bases': 'Create a base with tables and fields (Airtable meta API)',
  'GET /v0/meta/bases/{baseId}/tables': "List a base's tables with their fields and views (Airtable meta API)",
  'POST /v0/meta/bases/{baseId}/tables': 'Create a table (Airtable meta API)',
  'POST /v0/meta/bases/{baseId}/tables/{tableId}/fields': 'Create a field (Airtable meta API)',
  'GET /v0/{baseId}/{table}': 'List records: pageSize, offset, fields[], sort, view, maxRecords, filterByFormula, cellFormat, returnFieldsByFieldId',
  'POST /v0/{baseId}/{table}/listRecords': 'List records with the options in a JSON body',
  'GET /v0/{baseId}/{table}/{recordId}': 'Get a record',
  'POST /v0/{baseId}/{table}': 'Create a record ({fields}) or up to 10 ({records})',
  'PATCH /v0/{baseId}/{table}': 'Update up to 10 records (the given fields only)',
  'PUT /v0/{baseId}/{table}': 'Replace up to 10 records (fields not given are cleared)',
  'PATCH /v0/{baseId}/{table}/{recordId}': 'Update a record (the given fields only)',
  'PUT /v0/{baseId}/{table}/{recordId}': 'Replace a record (fields not given are cleared)',
  'DELETE /v0/{baseId}/{table}': 'Delete up to 10 records (?records[]=…)',
  'DELETE /v0/{baseId}/{table}/{recordId}': 'Delete a record',
};

/** More than a summary, where a route's behaviour is not plain from it. */
const ROUTE_DETAILS: Record<string, Record<string, unknown>> = {
  'POST /api/v1/workspaces/{id}/bases': {
    description:
      'Body `{id, name}`: `id` is the base\'s own id (`bas` + 14 letters or digits), `name` 1–255 characters. 201 registered; 200 when this workspace has the base already (unchanged); 409 BASE_ID_TAKEN when another workspace has it; 403 for commenters and viewers. Answers `{id, name, createdAt, createdBy}`.',
  },
  'PUT /api/v1/workspaces/{id}/blobs/{sha256}': {
    description:
      'The body is the raw bytes; `sha256` is their SHA-256 in 64 lowercase hex digits. Content-Length is required (411) and at most MAX_BLOB_BYTES (413, answered before any byte is read). 201 `{sha256, size}` when stored; 200 at once, without reading the body, when the workspace has the blob already (send `Expect: 100-continue` to not send it at all); 400 and nothing kept when the bytes hash differently or the upload is cut off. Bytes another workspace uploaded must still be sent in full. Access tokens of editors and up, or API tokens with data.records:write.',
    requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
  },
  'GET /api/v1/workspaces/{id}/blobs/{sha256}': {
    description:
      'Any member, or an API token with data.records:read. Always `application/octet-stream` as an attachment download (`?name=` sets the file name); `ETag` is the quoted hash, `If-None-Match` gives 304, and the bytes never change (`Cache-Control: private, max-age=31536000, immutable`). 404 when this workspace has no such blob, even if another has the bytes.',
    parameters: [{ name: 'name', in: 'query', required: false, schema: { type: 'string' }, description: 'File name for Content-Disposition' }],
    responses: { '200': { description: 'The bytes', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } }, '304': { description: 'Not modified' } },
  },
  'GET /v0/{baseId}/{table}': {
    description:
      'Attachment cells are `[{id, url, filename, size, type}]`. `url` downloads the bytes (GET /api/v1/workspaces/{id}/blobs/{sha256}, with the same bearer token); it is left out for an attachment whose bytes this server does not have (one added before sync, or not uploaded yet).',
  },
};

const tagOf = (pattern: string): string =>
  pattern.startsWith('/v0/meta')
    ? 'meta'
    : pattern.startsWith('/v0/')
      ? 'records'
      : pattern.includes('/blobs/')
        ? 'blobs'
        : pattern.endsWith('/bases')
          ? 'bases'
          : (/^\/api\/v1\/([a-z]+)/.exec(pattern)?.[1] ?? 'server');

export function openApiDocument(routes: ReadonlyArray<{ method: Method; pattern: string }>, serverUrl: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const params = [...r.pattern.matchAll(/\{([a-zA-Z][a-zA-Z0-9]*)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const op: Record<string, unknown> = {
      summary: ROUTE_SUMMARIES[`${r.method} ${r.pattern}`] ?? `${r.method} ${r.pattern}`,
      tags: [tagOf(r.pattern)],
      responses: { default: { description: 'JSON; failures are { error: { type, message } } with an Airtable-style type' } },
    };
    const details = ROUTE_DETAILS[`${r.method} ${r.pattern}`] ?? {};
    if (details.description) op.description = details.description;
    if (details.requestBody) op.requestBody = details.requestBody;
    if (details.responses) op.responses = { ...(op.responses as Record<string, unknown>), ...(details.responses as Record<string, unknown>) };
    const extra = (details.parameters as unknown[] | undefined) ?? [];
    if (params.length + extra.length > 0) op.parameters = [...params, ...extra];
    if (['/health', '/ready', '/openapi.json', '/api/v1/auth/register', '/api/v1/auth/login', '/api/v1/auth/refresh'].includes(r.pattern)) op.security = [];
    (paths[r.pattern] ??= {})[r.method.toLowerCase()] = op;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Baseplate sync server', version: '1', description: 'Accounts, workspaces, tokens, bases and attachment blobs under /api/v1; an Airtable-compatible API under /v0.' },
    servers: [{ url: serverUrl }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'An access token (bpa1.…) or a personal API token (bpt_…)' } } },
    security: [{ bearer: [] }],
    paths,
  };
}

/** Registers GET /openapi.json (call last, so the document lists every route). */
export function openApiRoute(router: Router, serverUrl: () => string): void {
  router.add('GET', '/openapi.json', async () => json(200, openApiDocument(router.list(), serverUrl())));
}
