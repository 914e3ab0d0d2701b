/**
 * Airtable's meta API over our documents: bases (a row in `bases` plus the schema doc
 * `<baseId>/schema`), tables and fields (written into the schema doc through DocAccess, so open
 * sockets see them live). Each schema change is recorded in the audit log (`schema.change`) once
 * the document change has committed.
 */
import type * as Y from 'yjs';
import { keyBetween } from '../../../src-shared/docs/order-key';
import { addField, addTable, addView, orderKeys, readSchema } from '../../../src-shared/docs/schema-doc';
import { err, ok } from '../../../src-shared/errors';
import { newId } from '../../../src-shared/ids';
import type { FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { recordAudit } from '../audit/audit.repo';
import type { AuthContext } from '../auth/authenticate';
import type { Clock } from '../clock';
import type { Db } from '../db/db';
import { fail, type Failure, type Outcome } from '../http/failures';
import type { DocAccess } from '../sync/doc-access';
import type { Role } from '../workspaces/roles';
import { fieldFromAirtable, fieldToAirtable, type FieldInput } from './airtable-fields';
import { schemaRef } from './base-docs';
import { basesOfUser, insertBase, type BaseRow } from './bases.repo';

export interface TableInput {
  name: string;
  description?: string | undefined;
  fields: FieldInput[];
}

/** Airtable's permission level for a workspace role. */
export function permissionLevel(role: Role | string): 'create' | 'edit' | 'comment' | 'read' {
  return role === 'owner' || role === 'admin' ? 'create' : role === 'editor' ? 'edit' : role === 'commenter' ? 'comment' : 'read';
}

/** A table in the meta API's shape. */
export function tableToAirtable(t: TableSchema): Record<string, unknown> {
  return {
    id: t.id,
    name: t.name,
    primaryFieldId: t.fields[0]?.id ?? null,
    fields: t.fields.map(fieldToAirtable),
    views: t.views.map((v) => ({ id: v.id, name: v.name, type: 'grid' })),
  };
}

const fieldNameProblem = (fields: readonly { name: string }[], name: string): Failure | null => {
  if (name.trim() === '') return fail('DUPLICATE_OR_EMPTY_FIELD_NAME', 'A field needs a name.');
  if (fields.some((f) => f.name.toLowerCase() === name.trim().toLowerCase())) return fail('DUPLICATE_OR_EMPTY_FIELD_NAME', `Field names must be unique: "${name.slice(0, 100)}" is taken.`);
  return null;
};

/** Fields built from Airtable definitions (ids new), or why they cannot be. */
function buildFields(inputs: readonly FieldInput[], existing: readonly { name: string }[] = []): Outcome<FieldSchema[]> {
  const built: FieldSchema[] = [];
  for (const input of inputs) {
    const problem = fieldNameProblem([...existing, ...built], input.name);
    if (problem) return err(problem);
    const typed = fieldFromAirtable(input);
    if (!typed.ok) return err(fail('INVALID_FIELD_TYPE', typed.error));
    built.push({ id: newId('fld'), name: input.name.trim(), type: typed.value.type, options: typed.value.options, description: input.description ?? '' });
  }
  return ok(built);
}

function buildTable(input: TableInput, existing: readonly { name: string }[]): Outcome<TableSchema> {
  if (input.name.trim() === '') return err(fail('INVALID_REQUEST_UNKNOWN', 'A table needs a name.'));
  if (existing.some((t) => t.name.toLowerCase() === input.name.trim().toLowerCase())) return err(fail('DUPLICATE_TABLE_NAME', `A table named "${input.name.slice(0, 100)}" already exists.`));
  if (input.fields.length === 0) return err(fail('INVALID_REQUEST_UNKNOWN', `Table "${input.name.slice(0, 100)}" needs at least one field (the first is its primary field).`));
  const fields = buildFields(input.fields);
  if (!fields.ok) return fields;
  const view = { id: newId('viw'), name: 'Grid view', filter: null, sorts: [], groups: [], hidden: [], fieldOrder: [], widths: {} };
  return ok({ id: newId('tbl'), name: input.name.trim(), fields: fields.value, views: [view] });
}

function writeTable(doc: Y.Doc, table: TableSchema, now: number): void {
  const keys = orderKeys(doc, null, 'tables');
  addTable(doc, table.id, table.name, keyBetween(keys.at(-1)?.order ?? null, null), now);
  let order: string | null = null;
  for (const f of table.fields) addField(doc, table.id, f, (order = keyBetween(order, null)));
  for (const v of table.views) addView(doc, table.id, v, keyBetween(null, null));
}

const actorOf = (auth: AuthContext) => ({ userId: auth.userId, tokenId: auth.kind === 'apiToken' ? auth.tokenId : undefined });

export class MetaService {
  constructor(
    private readonly db: Db,
    private readonly docs: DocAccess,
    private readonly clock: Clock,
  ) {}

  async createBase(auth: AuthContext, input: { name: string; workspaceId: string; tables: TableInput[] }): Promise<Outcome<{ id: string; tables: Record<string, unknown>[] }>> {
    if (input.tables.length === 0) return err(fail('INVALID_REQUEST_UNKNOWN', 'A base needs at least one table.'));
    const tables: TableSchema[] = [];
    for (const t of input.tables) {
      const built = buildTable(t, tables);
      if (!built.ok) return built;
      tables.push(built.value);
    }
    const id = newId('bas');
    const now = this.clock();
    // The document first: a base row never points at a schema that failed to store.
    await this.docs.update(schemaRef(input.workspaceId, id), (doc) => {
      for (const t of tables) writeTable(doc, t, now);
    });
    await this.db.tx(async (q) => {
      await insertBase(q, { id, workspaceId: input.workspaceId, name: input.name, createdBy: auth.userId });
      await recordAudit(q, { actor: actorOf(auth), action: 'schema.change', workspaceId: input.workspaceId, target: id, details: { change: 'base.create', name: input.name, tables: tables.map((t) => t.id) } });
    });
    return ok({ id, tables: tables.map(tableToAirtable) });
  }

  listBases(auth: AuthContext): Promise<Array<BaseRow & { role: string }>> {
    return basesOfUser(this.db, auth.userId, auth.kind === 'apiToken' ? auth.workspaceIds : null);
  }

  async tables(base: BaseRow): Promise<TableSchema[]> {
    const doc = await this.docs.read(schemaRef(base.workspaceId, base.id));
    try {
      return readSchema(doc).tables;
    } finally {
      doc.destroy();
    }
  }

  async createTable(auth: AuthContext, base: BaseRow, input: TableInput): Promise<Outcome<TableSchema>> {
    const now = this.clock();
    let failure: Failure | null = null;
    const created = await this.docs.update(schemaRef(base.workspaceId, base.id), (doc) => {
      const built = buildTable(input, readSchema(doc).tables);
      if (!built.ok) {
        failure = built.error;
        return null;
      }
      writeTable(doc, built.value, now);
      return built.value;
    });
    if (!created) return err(failure ?? fail('INVALID_REQUEST_UNKNOWN', 'The table could not be created.'));
    await recordAudit(this.db, { actor: actorOf(auth), action: 'schema.change', workspaceId: base.workspaceId, target: base.id, details: { change: 'table.create', tableId: created.id, name: created.name } });
    return ok(created);
  }

  async createField(auth: AuthContext, base: BaseRow, tableId: string, input: FieldInput): Promise<Outcome<FieldSchema>> {
    let failure: Failure | null = null;
    const created = await this.docs.update(schemaRef(base.workspaceId, base.id), (doc) => {
      const table = readSchema(doc).tables.find((t) => t.id === tableId || t.name === tableId);
      if (!table) {
        failure = fail('MODEL_ID_NOT_FOUND', `Could not find table ${tableId.slice(0, 100)} in base ${base.id}.`);
        return null;
      }
      const built = buildFields([input], table.fields);
      if (!built.ok) {
        failure = built.error;
        return null;
      }
      const field = built.value[0]!;
      const keys = orderKeys(doc, table.id, 'fields');
      addField(doc, table.id, field, keyBetween(keys.at(-1)?.order ?? null, null));
      return { field, tableId: table.id };
    });
    if (!created) return err(failure ?? fail('INVALID_REQUEST_UNKNOWN', 'The field could not be created.'));
    await recordAudit(this.db, { actor: actorOf(auth), action: 'schema.change', workspaceId: base.workspaceId, target: base.id, details: { change: 'field.create', tableId: created.tableId, fieldId: created.field.id, name: created.field.name, type: created.field.type } });
    return ok(created.field);
  }
}
