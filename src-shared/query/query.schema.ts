/**
 * Schemas for the filter/sort/group language at the engine boundary (API, CLI, stored views).
 * They check shape and size only; field references and operands are checked against a table by
 * query-resolve.ts.
 */
import { z } from 'zod';
import { EngineError } from '../errors';
import { FILTER_OPS, isFilterGroup } from './query.types';
import type { FilterCondition, FilterGroup, FilterNode, GroupBy, QuerySpec, Sort } from './query.types';

/** Nesting levels of filter groups, the top group counting as 1. */
export const MAX_FILTER_DEPTH = 8;
/** Conditions in a whole filter tree. */
export const MAX_FILTER_CONDITIONS = 200;
export const MAX_SORTS = 20;
export const MAX_GROUP_LEVELS = 3;
export const DEFAULT_PAGE_LIMIT = 100;
export const MAX_PAGE_LIMIT = 10_000;
export const MAX_SEARCH_LENGTH = 1_000;

const fieldRefSchema = z.string().min(1, 'a field name or id is required');
const directionSchema = z.enum(['asc', 'desc']);

export const filterConditionSchema = z.strictObject({
  field: fieldRefSchema,
  op: z.enum(FILTER_OPS),
  value: z.unknown().optional(),
});

/**
 * A node is a group when it has an `and` or `or` key, else a condition. Choosing the branch by key
 * (rather than a plain union) keeps error messages about the branch that was meant.
 */
const filterNodeSchema: z.ZodType<FilterNode> = z.unknown().transform((input, ctx): FilterNode => {
  const schema: z.ZodType<FilterNode> = isGroupLike(input) ? filterTreeSchema : filterConditionSchema;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

function isGroupLike(input: unknown): boolean {
  return typeof input === 'object' && input !== null && ('and' in input || 'or' in input);
}

// The getters defer the reference to filterNodeSchema (recursion).
const andSchema = z.strictObject({
  get and(): z.ZodArray<z.ZodType<FilterNode>> {
    return z.array(filterNodeSchema);
  },
});
const orSchema = z.strictObject({
  get or(): z.ZodArray<z.ZodType<FilterNode>> {
    return z.array(filterNodeSchema);
  },
});
const filterTreeSchema: z.ZodType<FilterGroup> = z.unknown().transform((input, ctx): FilterGroup => {
  if (typeof input === 'object' && input !== null && 'and' in input && 'or' in input) {
    ctx.addIssue({ code: 'custom', message: "A filter group has either 'and' or 'or', not both" });
    return z.NEVER;
  }
  const schema = typeof input === 'object' && input !== null && 'or' in input ? orSchema : andSchema;
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  return z.NEVER;
});

export interface FilterSize {
  /** Group nesting depth; the top group is 1. */
  depth: number;
  conditions: number;
}

/** Depth and condition count of a filter tree. */
export function measureFilter(group: FilterGroup): FilterSize {
  let conditions = 0;
  let depth = 0;
  const visit = (node: FilterGroup, level: number): void => {
    depth = Math.max(depth, level);
    for (const child of filterChildren(node)) {
      if (isFilterGroup(child)) visit(child, level + 1);
      else conditions++;
    }
  };
  visit(group, 1);
  return { depth, conditions };
}

/** The children of a group, whichever connective it uses. */
export function filterChildren(group: FilterGroup): FilterNode[] {
  return 'and' in group ? group.and : group.or;
}

/** A message naming the limit a filter exceeds, or null when it is within them. */
export function filterLimitProblem(group: FilterGroup): string | null {
  const { depth, conditions } = measureFilter(group);
  if (depth > MAX_FILTER_DEPTH) return `Filter groups are nested ${depth} deep; at most ${MAX_FILTER_DEPTH} levels are allowed`;
  if (conditions > MAX_FILTER_CONDITIONS)
    return `Filter has ${conditions} conditions; at most ${MAX_FILTER_CONDITIONS} are allowed`;
  return null;
}

/**
 * Nesting depth of raw input, walked without recursion and given up past `limit`, so absurdly deep
 * input is refused before the recursive schema walks it.
 */
function rawGroupDepthExceeds(input: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[input, 1]];
  while (stack.length > 0) {
    const [node, level] = stack.pop() as [unknown, number];
    if (typeof node !== 'object' || node === null) continue;
    const children = [(node as { and?: unknown }).and, (node as { or?: unknown }).or];
    for (const list of children) {
      if (!Array.isArray(list)) continue;
      for (const child of list as unknown[]) {
        if (!isGroupLike(child)) continue;
        if (level + 1 > limit) return true;
        stack.push([child, level + 1]);
      }
    }
  }
  return false;
}

/** A whole filter: `{ and: [...] }` or `{ or: [...] }`, within the depth and size limits. */
export const filterGroupSchema: z.ZodType<FilterGroup> = z
  .unknown()
  .superRefine((input, ctx) => {
    if (rawGroupDepthExceeds(input, MAX_FILTER_DEPTH))
      ctx.addIssue({ code: 'custom', message: `Filter groups may be nested at most ${MAX_FILTER_DEPTH} levels deep`, abort: true });
  })
  .pipe(filterTreeSchema)
  .superRefine((group, ctx) => {
    const problem = filterLimitProblem(group);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

export const sortSchema = z.strictObject({
  field: fieldRefSchema,
  direction: directionSchema.default('asc'),
});

export const groupBySchema = z.strictObject({
  field: fieldRefSchema,
  direction: directionSchema.default('asc'),
});

export const sortsSchema = z.array(sortSchema).max(MAX_SORTS, `At most ${MAX_SORTS} sorts are allowed`);
export const groupsSchema = z
  .array(groupBySchema)
  .max(MAX_GROUP_LEVELS, `At most ${MAX_GROUP_LEVELS} group levels are allowed`);

export const querySpecSchema = z.strictObject({
  filter: filterGroupSchema.nullable().optional(),
  sorts: sortsSchema.optional(),
  groups: groupsSchema.optional(),
  search: z.string().max(MAX_SEARCH_LENGTH, `Search text is limited to ${MAX_SEARCH_LENGTH} characters`).optional(),
  offset: z.number().int().min(0).default(0),
  limit: z.number().int().min(1).max(MAX_PAGE_LIMIT).default(DEFAULT_PAGE_LIMIT),
});

/** What the API accepts (paging optional); what parsing returns has offset and limit filled. */
export type QuerySpecInput = z.input<typeof querySpecSchema>;
export type ParsedQuerySpec = z.output<typeof querySpecSchema>;

// Compile-time checks that the schemas produce the language types.
type Assignable<T extends U, U> = T;
export type _SchemaChecks = [
  Assignable<z.output<typeof filterConditionSchema>, FilterCondition>,
  Assignable<z.output<typeof sortSchema>, Sort>,
  Assignable<z.output<typeof groupBySchema>, GroupBy>,
  Assignable<ParsedQuerySpec, QuerySpec>,
];

/** A message a person can act on, from schema issues: `filter.and[0].op: Invalid option ...`. */
export function describeIssues(error: z.ZodError, root = ''): string {
  return error.issues
    .map((issue) => {
      const where = issuePath(root, issue.path);
      return where ? `${where}: ${issue.message}` : issue.message;
    })
    .join('; ');
}

function issuePath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** Parses a query from the API or CLI; a malformed one is INVALID_INPUT naming the offending part. */
export function parseQuerySpec(input: unknown): ParsedQuerySpec {
  const result = querySpecSchema.safeParse(input ?? {});
  if (!result.success) throw new EngineError('INVALID_INPUT', `Invalid query: ${describeIssues(result.error)}`);
  return result.data;
}
