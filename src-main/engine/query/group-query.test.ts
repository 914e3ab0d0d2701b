import { afterEach, describe, expect, it } from 'vitest';
import { resolveQuerySpec } from '../../../src-shared/query/query-resolve';
import { compileGroupQuery } from './group-query';
import { createWorld, groupTree, NOW, PARTS } from './query.fixture';
import type { QueryWorld } from './query.fixture';

let world: QueryWorld | undefined;
afterEach(() => world?.close());

describe('grouping', () => {
  it('nests two levels with counts, each level in its own direction', () => {
    world = createWorld();
    expect(
      groupTree(world, {}, [
        { field: 'Done', direction: 'desc' },
        { field: 'Status', direction: 'asc' },
      ]),
    ).toEqual([
      {
        key: true,
        count: 2,
        children: [
          { key: 'In progress', count: 1 },
          { key: 'Open', count: 1 },
        ],
      },
      {
        key: null,
        count: 4,
        children: [
          { key: null, count: 1 },
          { key: 'Closed', count: 1 },
          { key: 'Open', count: 2 },
        ],
      },
    ]);
  });

  it('counts only the records the filter and search match', () => {
    world = createWorld();
    const filter = { and: [{ field: 'Qty', op: '>' as const, value: 0 }] };
    expect(groupTree(world, { filter }, [{ field: 'Status', direction: 'asc' }])).toEqual([
      { key: 'Closed', count: 1 },
      { key: 'Open', count: 2 },
    ]);
    expect(groupTree(world, { search: 'm6' }, [{ field: 'Qty', direction: 'desc' }])).toEqual([{ key: 10, count: 2 }]);
  });

  it('keys come back in their API form', () => {
    world = createWorld();
    const tree = groupTree(world, {}, [{ field: 'Tags', direction: 'asc' }]);
    expect(tree[0]).toEqual({ key: null, count: 1 });
    expect(tree.map((n) => n.key)).toContainEqual(['Steel', 'Brass']);
    expect(tree.reduce((sum, n) => sum + n.count, 0)).toBe(6);
  });

  it('text keys that differ only in case are one group, also across deeper levels', () => {
    world = createWorld(PARTS, {
      a: { Name: 'Bolt', Qty: 1 },
      b: { Name: 'bolt', Qty: 2 },
      c: { Name: 'BOLT', Qty: 1 },
      d: { Name: 'Nut', Qty: 1 },
    });
    const tree = groupTree(world, {}, [
      { field: 'Name', direction: 'asc' },
      { field: 'Qty', direction: 'asc' },
    ]);
    expect(tree).toHaveLength(2);
    expect(String(tree[0]?.key).toLowerCase()).toBe('bolt');
    expect(tree[0]?.count).toBe(3);
    expect(tree[0]?.children).toEqual([
      { key: 1, count: 2 },
      { key: 2, count: 1 },
    ]);
    expect(tree[1]).toEqual({ key: 'Nut', count: 1, children: [{ key: 1, count: 1 }] });
  });

  it('refuses no levels and more than three', () => {
    const resolved = resolveQuerySpec(PARTS, {});
    expect(() => compileGroupQuery(PARTS, resolved, [], NOW)).toThrow(/at least one/);
    const four = ['Name', 'Qty', 'Due', 'Done'].map((name) => ({ field: PARTS.fields.find((f) => f.name === name)?.id ?? '', direction: 'asc' as const }));
    expect(() => compileGroupQuery(PARTS, resolved, four, NOW)).toThrow(/At most 3/);
  });
});
