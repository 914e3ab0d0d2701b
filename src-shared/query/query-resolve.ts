/**
 * Resolving a query against a table: field references (ids or names) become field ids, each
 * operator is checked against the field type's `filterOps`, and operands are normalized through the
 * field registry into the forms the compiler expects (see QueryKind). The result is what a view
 * stores; resolving it again gives the same result.
 *
 * Resolved operand forms:
 *   text ops (contains/notContains/startsWith)  the string as given (multiple select: a choice id)
 *   number kinds                                number
 *   date                                        'YYYY-MM-DD'
 *   dateTime / createdTime / lastModifiedTime   'YYYY-MM-DD' (a whole day in the field's zone) or an ISO instant
 *   checkbox                                    boolean
 *   single select                               choice id; anyOf: choice ids
 *   multiple select                             choice ids (=, !=, anyOf, allOf); one id (contains, notContains)
 *   withinPastDays / withinNextDays             a whole number of days
 *   isEmpty / isNotEmpty                        no operand
 */
import { EngineError } from '../errors';
import { getFieldType } from '../fields/field-registry';
import type { FieldTypeDef } from '../fields/field-type';
import type { CellValue, FieldOptions, FieldSchema, FieldType, TableSchema } from '../schema/schema.types';
import { filterChildren, filterLimitProblem, MAX_GROUP_LEVELS } from './query.schema';
import { isDateOnly, queryKindOf } from './query-field-kind';
import type { QueryKind } from './query-field-kind';
import { isFilterGroup } from './query.types';
import type { FilterCondition, FilterGroup, FilterNode, FilterOp, GroupBy, QuerySpec, Sort } from './query.types';

/** Upper bound for withinPastDays/withinNextDays, keeping the range inside 4-digit years. */
export const MAX_WITHIN_DAYS = 100_000;
/** Values in one anyOf/allOf list (each becomes an SQL parameter; select fields have at most 1000 options). */
export const MAX_LIST_VALUES = 1_000;

const MAX_QUOTE = 40;

function quoted(text: string): string {
  return `'${text.length > MAX_QUOTE ? `${text.slice(0, MAX_QUOTE - 1)}…` : text}'`;
}

/**
 * The field a reference names: an id first, then an exact name, then a case-insensitive name.
 * NOT_FOUND when nothing matches; AMBIGUOUS_NAME when a name matches more than one field.
 */
export function resolveFieldRef(table: TableSchema, ref: string): FieldSchema {
  if (typeof ref !== 'string' || ref === '') throw new EngineError('INVALID_INPUT', 'A field name or id is required');
  const byId = table.fields.find((f) => f.id === ref);
  if (byId) return byId;
  const exact = table.fields.filter((f) => f.name === ref);
  if (exact.length === 1 && exact[0]) return exact[0];
  const folded = ref.toLowerCase();
  const matches = exact.length > 1 ? exact : table.fields.filter((f) => f.name.toLowerCase() === folded);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) {
    const names = matches.map((f) => quoted(f.name)).join(', ');
    throw new EngineError(
      'AMBIGUOUS_NAME',
      `Field name ${quoted(ref)} in table ${quoted(table.name)} matches ${matches.length} fields (${names}); use the exact name or the field id`,
      { table: table.id, field: ref },
    );
  }
  throw new EngineError('NOT_FOUND', `No field ${quoted(ref)} in table ${quoted(table.name)}`, { table: table.id, field: ref });
}

/** A filter with field ids and normalized operands. Throws INVALID_INPUT naming the field and operator. */
export function resolveFilter(table: TableSchema, filter: FilterGroup): FilterGroup {
  const problem = filterLimitProblem(filter);
  if (problem) throw new EngineError('INVALID_INPUT', problem);
  return resolveGroup(table, filter);
}

function resolveGroup(table: TableSchema, group: FilterGroup): FilterGroup {
  const children = filterChildren(group).map((node) => resolveNode(table, node));
  return 'and' in group ? { and: children } : { or: children };
}

function resolveNode(table: TableSchema, node: FilterNode): FilterNode {
  return isFilterGroup(node) ? resolveGroup(table, node) : resolveCondition(table, node);
}

export function resolveSorts(table: TableSchema, sorts: readonly Sort[]): Sort[] {
  return sorts.map((s) => ({ field: resolveFieldRef(table, s.field).id, direction: s.direction }));
}

export function resolveGroups(table: TableSchema, groups: readonly GroupBy[]): GroupBy[] {
  if (groups.length > MAX_GROUP_LEVELS)
    throw new EngineError('INVALID_INPUT', `At most ${MAX_GROUP_LEVELS} group levels are allowed, got ${groups.length}`);
  return groups.map((g) => ({ field: resolveFieldRef(table, g.field).id, direction: g.direction }));
}

/** A whole query with field ids and normalized operands; search and paging pass through. */
export function resolveQuerySpec(table: TableSchema, spec: QuerySpec): QuerySpec {
  const out: QuerySpec = { ...spec };
  if (spec.filter) out.filter = resolveFilter(table, spec.filter);
  if (spec.sorts) out.sorts = resolveSorts(table, spec.sorts);
  if (spec.groups) out.groups = resolveGroups(table, spec.groups);
  return out;
}

interface OperandContext {
  field: FieldSchema;
  def: FieldTypeDef;
  kind: QueryKind;
  op: FilterOp;
}

function fail(ctx: OperandContext, message: string): never {
  throw new EngineError('INVALID_INPUT', message, { field: ctx.field.name, op: ctx.op });
}

function typeLabel(def: FieldTypeDef): string {
  return def.label.toLowerCase();
}

function resolveCondition(table: TableSchema, condition: FilterCondition): FilterCondition {
  const field = resolveFieldRef(table, condition.field);
  const def = getFieldType(field.type) as FieldTypeDef;
  const op = condition.op;
  const ctx: OperandContext = { field, def, kind: queryKindOf(field.type), op };
  if (!def.filterOps.includes(op)) fail(ctx, `${quoted(field.name)} (${typeLabel(def)}) does not support '${op}'`);
  if (op === 'isEmpty' || op === 'isNotEmpty') return { field: field.id, op };
  const raw = condition.value;
  if (raw === undefined || raw === null || raw === '') fail(ctx, `${quoted(field.name)} with '${op}' needs a value`);
  return { field: field.id, op, value: resolveOperand(ctx, raw) };
}

function resolveOperand(ctx: OperandContext, raw: unknown): unknown {
  const { field, kind, op } = ctx;
  switch (op) {
    case 'withinPastDays':
    case 'withinNextDays': {
      const days = typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : raw;
      if (typeof days !== 'number' || !Number.isInteger(days) || days < 0 || days > MAX_WITHIN_DAYS)
        fail(ctx, `${quoted(field.name)} with '${op}' needs a whole number of days from 0 to ${MAX_WITHIN_DAYS}`);
      return days;
    }
    case 'anyOf':
    case 'allOf': {
      if (!Array.isArray(raw)) fail(ctx, `${quoted(field.name)} with '${op}' needs a list of values`);
      if (raw.length > MAX_LIST_VALUES) fail(ctx, `${quoted(field.name)} with '${op}' takes at most ${MAX_LIST_VALUES} values`);
      const out: unknown[] = [];
      for (const item of raw as unknown[]) {
        const value = resolveScalar(ctx, item);
        if (!out.some((v) => v === value)) out.push(value);
      }
      return out;
    }
    case 'contains':
    case 'notContains':
    case 'startsWith':
      if (kind === 'multiSelect') return resolveScalar(ctx, raw);
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return fail(ctx, `${quoted(field.name)} with '${op}' needs text`);
    case '=':
    case '!=':
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (kind === 'checkbox') return resolveCheckbox(ctx, raw);
      if (kind === 'multiSelect') return resolveChoiceSet(ctx, raw);
      if (kind === 'instant' && isDateOnly(raw)) return raw;
      return resolveScalar(ctx, raw);
    case 'isEmpty':
    case 'isNotEmpty':
      return undefined;
    default: {
      const unknownOp: never = op;
      return fail(ctx, `Unknown filter operator ${quoted(String(unknownOp))}`);
    }
  }
}

/** One operand normalized as a single cell value of the field (a multi-select: one choice id). */
function resolveScalar(ctx: OperandContext, raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === '') fail(ctx, `${quoted(ctx.field.name)} with '${ctx.op}' needs a value`);
  if (ctx.kind === 'multiSelect') {
    const ids = normalizeWith(ctx, Array.isArray(raw) ? raw : [raw]);
    if (!Array.isArray(ids) || ids.length !== 1 || typeof ids[0] !== 'string')
      fail(ctx, `${quoted(ctx.field.name)} with '${ctx.op}' needs one option per value`);
    return ids[0];
  }
  if (ctx.kind === 'instant' && isDateOnly(raw)) return raw;
  const value = normalizeWith(ctx, raw);
  if (value === null) fail(ctx, `${quoted(ctx.field.name)} with '${ctx.op}' needs a value`);
  return value;
}

function resolveChoiceSet(ctx: OperandContext, raw: unknown): string[] {
  const ids = normalizeWith(ctx, Array.isArray(raw) ? raw : [raw]);
  if (ids === null) return [];
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string'))
    fail(ctx, `${quoted(ctx.field.name)} with '${ctx.op}' needs a list of options`);
  return [...new Set(ids)];
}

function resolveCheckbox(ctx: OperandContext, raw: unknown): boolean {
  if (typeof raw === 'boolean') return raw;
  const value = normalizeWith(ctx, raw);
  return value === true;
}

/**
 * Normalizes through the registry. Computed types are normalized as the type they store like:
 * created/last-modified time as a date-time in the field's zone, autonumber as a number. Rating
 * operands are plain numbers, so `rating < 6` is valid whatever the field's maximum.
 */
function normalizeWith(ctx: OperandContext, raw: unknown): CellValue | null {
  const { def, options } = operandType(ctx.field);
  const result = def.normalize(raw, options);
  if (!result.ok) fail(ctx, `${quoted(ctx.field.name)} with '${ctx.op}': ${result.message}`);
  return result.value;
}

function operandType(field: FieldSchema): { def: FieldTypeDef; options: FieldOptions } {
  const substitute = (type: FieldType, options: FieldOptions): { def: FieldTypeDef; options: FieldOptions } => ({
    def: getFieldType(type) as FieldTypeDef,
    options,
  });
  switch (field.type) {
    case 'createdTime':
    case 'lastModifiedTime': {
      const o = field.options as FieldOptions<'createdTime'>;
      return substitute('dateTime', { dateFormat: o.dateFormat, timeFormat: o.timeFormat, timeZone: o.timeZone });
    }
    case 'autonumber':
    case 'rating':
      return substitute('number', { precision: 0 });
    default:
      return { def: getFieldType(field.type) as FieldTypeDef, options: field.options };
  }
}
