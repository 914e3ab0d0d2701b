/**
 * The filter/sort/group language. Views store it with field ids; the CLI and API also accept field
 * names, resolved to ids at the engine boundary.
 */
export const FILTER_OPS = [
  '=', '!=', '<', '<=', '>', '>=',
  'contains', 'notContains', 'startsWith',
  'isEmpty', 'isNotEmpty',
  'anyOf', 'allOf',
  'withinPastDays', 'withinNextDays',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

export interface FilterCondition {
  field: string;
  op: FilterOp;
  value?: unknown;
}
export type FilterGroup = { and: FilterNode[] } | { or: FilterNode[] };
export type FilterNode = FilterCondition | FilterGroup;

export type SortDirection = 'asc' | 'desc';
export interface Sort {
  field: string;
  direction: SortDirection;
}
export interface GroupBy {
  field: string;
  direction: SortDirection;
}

export function isFilterGroup(node: FilterNode): node is FilterGroup {
  return 'and' in node || 'or' in node;
}

/**
 * A query over one table: a view's filter, sorts and groups plus search text and paging. Field
 * references are ids once resolved (see query-resolve.ts); API input may use names.
 * Validated by `querySpecSchema` (query.schema.ts), which also fills the paging defaults.
 */
export interface QuerySpec {
  filter?: FilterGroup | null;
  sorts?: Sort[];
  /** Rows of a page are ordered by the group fields first, then by `sorts`. */
  groups?: GroupBy[];
  /** Full-text search: whitespace-separated words, each matched as a word prefix, all required. */
  search?: string;
  offset?: number;
  limit?: number;
}
