import { describe, expect, it } from 'vitest';
import { EngineError } from '../errors';
import {
  filterGroupSchema,
  groupsSchema,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  measureFilter,
  parseQuerySpec,
  querySpecSchema,
  sortsSchema,
} from './query.schema';
import type { FilterGroup, FilterNode } from './query.types';

const cond = (field = 'Qty'): FilterNode => ({ field, op: '>', value: 3 });

/** A chain of `levels` nested groups with one condition at the bottom. */
function nested(levels: number): FilterGroup {
  let group: FilterGroup = { and: [cond()] };
  for (let i = 1; i < levels; i++) group = i % 2 ? { or: [group] } : { and: [group] };
  return group;
}

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return e instanceof EngineError ? `${e.code}: ${e.message}` : String(e);
  }
  return 'no error';
}

describe('filter schema', () => {
  it('accepts nested groups of conditions, with or without values', () => {
    const filter = { and: [cond(), { or: [{ field: 'Name', op: 'isEmpty' }, { field: 'Tags', op: 'anyOf', value: ['a'] }] }] };
    expect(filterGroupSchema.parse(filter)).toEqual(filter);
  });

  it('names the offending part of a bad condition', () => {
    const result = filterGroupSchema.safeParse({ and: [cond(), { field: 'Qty', op: 'like', value: 1 }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['and', 1, 'op']);
  });

  it('refuses unknown keys, a group with both connectives, and a missing field', () => {
    expect(filterGroupSchema.safeParse({ and: [{ field: 'Qty', op: '=', value: 1, extra: true }] }).success).toBe(false);
    expect(filterGroupSchema.safeParse({ and: [], or: [] }).error?.issues[0]?.message).toMatch(/either 'and' or 'or'/);
    expect(filterGroupSchema.safeParse({ and: [{ field: '', op: 'isEmpty' }] }).success).toBe(false);
    expect(filterGroupSchema.safeParse({ field: 'Qty', op: 'isEmpty' }).success).toBe(false);
  });

  it(`allows ${MAX_FILTER_DEPTH} levels of groups and refuses one more`, () => {
    expect(measureFilter(nested(MAX_FILTER_DEPTH)).depth).toBe(MAX_FILTER_DEPTH);
    expect(filterGroupSchema.safeParse(nested(MAX_FILTER_DEPTH)).success).toBe(true);
    expect(filterGroupSchema.safeParse(nested(MAX_FILTER_DEPTH + 1)).success).toBe(false);
  });

  it('refuses absurdly deep input without overflowing the stack', () => {
    let deep: unknown = { and: [] };
    for (let i = 0; i < 100_000; i++) deep = { or: [deep] };
    expect(filterGroupSchema.safeParse(deep).error?.issues[0]?.message).toMatch(/at most 8 levels/);
  });

  it(`allows ${MAX_FILTER_CONDITIONS} conditions in the whole tree and refuses one more`, () => {
    const spread = (n: number): FilterGroup => ({
      or: [{ and: Array.from({ length: n - 100 }, () => cond()) }, ...Array.from({ length: 100 }, () => cond())],
    });
    expect(measureFilter(spread(MAX_FILTER_CONDITIONS)).conditions).toBe(MAX_FILTER_CONDITIONS);
    expect(filterGroupSchema.safeParse(spread(MAX_FILTER_CONDITIONS)).success).toBe(true);
    expect(filterGroupSchema.safeParse(spread(MAX_FILTER_CONDITIONS + 1)).error?.issues[0]?.message).toBe(
      'Filter has 201 conditions; at most 200 are allowed',
    );
  });
});

describe('sorts and groups', () => {
  it('direction defaults to ascending', () => {
    expect(sortsSchema.parse([{ field: 'Qty' }])).toEqual([{ field: 'Qty', direction: 'asc' }]);
    expect(sortsSchema.safeParse([{ field: 'Qty', direction: 'up' }]).success).toBe(false);
  });

  it('at most three group levels', () => {
    const level = { field: 'Qty', direction: 'asc' };
    expect(groupsSchema.safeParse([level, level, level]).success).toBe(true);
    expect(groupsSchema.safeParse([level, level, level, level]).error?.issues[0]?.message).toBe('At most 3 group levels are allowed');
  });
});

describe('query spec', () => {
  it('fills offset 0 and limit 100', () => {
    expect(querySpecSchema.parse({})).toEqual({ offset: 0, limit: 100 });
    expect(querySpecSchema.parse({ filter: null, search: 'bolt', limit: 10_000 })).toEqual({
      filter: null,
      search: 'bolt',
      offset: 0,
      limit: 10_000,
    });
  });

  it('refuses a limit outside 1..10000, a negative or fractional offset, and unknown keys', () => {
    for (const bad of [{ limit: 0 }, { limit: 10_001 }, { limit: 2.5 }, { offset: -1 }, { offset: 1.5 }, { sort: [] }]) {
      expect(querySpecSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('parseQuerySpec reports problems as INVALID_INPUT with their place', () => {
    expect(messageOf(() => parseQuerySpec({ filter: { and: [{ field: 'Qty', op: 'like' }] } }))).toMatch(
      /^INVALID_INPUT: Invalid query: filter\.and\[0\]\.op: /,
    );
    expect(messageOf(() => parseQuerySpec({ limit: 0 }))).toMatch(/^INVALID_INPUT: Invalid query: limit: /);
    expect(parseQuerySpec(undefined)).toEqual({ offset: 0, limit: 100 });
  });
});
