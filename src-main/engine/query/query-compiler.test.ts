import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveQuerySpec } from '../../../src-shared/query/query-resolve';
import { buildPageQuery, compileOrderBy, compileSearch, ftsMatchExpression, readPageRow } from './query-compiler';
import { fieldColumn, fieldIndex, projectionTable } from '../projection/projection-names';
import { countOf, createWorld, NOW, pageKeys, PARTS, testId } from './query.fixture';
import type { QueryWorld } from './query.fixture';

// Rows in insertion (rid) order: bolt6, bolt8, washer, blank, evil, nut (see query.fixture.ts).
let world: QueryWorld;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.close());

describe('sorting', () => {
  it('without sorts, rows come in rid order', () => {
    expect(pageKeys(world, {})).toEqual(['bolt6', 'bolt8', 'washer', 'blank', 'evil', 'nut']);
  });

  it('sorts by several fields, then by rid (in the last sort direction) for ties', () => {
    expect(
      pageKeys(world, {
        sorts: [
          { field: 'Status', direction: 'asc' },
          { field: 'Qty', direction: 'asc' },
        ],
      }),
    ).toEqual(['washer', 'bolt8', 'blank', 'evil', 'bolt6', 'nut']);
  });

  it('a later sort breaks ties of an earlier one', () => {
    expect(
      pageKeys(world, {
        sorts: [
          { field: 'Qty', direction: 'desc' },
          { field: 'Name', direction: 'desc' },
        ],
      }),
    ).toEqual(['nut', 'bolt6', 'bolt8', 'washer', 'evil', 'blank']);
  });

  it('empty cells sort first ascending and last descending', () => {
    expect(pageKeys(world, { sorts: [{ field: 'Qty', direction: 'asc' }] })).toEqual(['blank', 'evil', 'washer', 'bolt8', 'bolt6', 'nut']);
    expect(pageKeys(world, { sorts: [{ field: 'Done', direction: 'desc' }] })).toEqual(['blank', 'bolt6', 'nut', 'evil', 'washer', 'bolt8']);
  });

  it('text sorts ignore case', () => {
    // Binary order would put 'Nut M6' and 'Washer…' before 'bolt m8'.
    expect(pageKeys(world, { sorts: [{ field: 'Name', direction: 'asc' }] })).toEqual(['blank', 'evil', 'bolt6', 'bolt8', 'nut', 'washer']);
  });

  it('date-times sort by instant', () => {
    expect(pageKeys(world, { sorts: [{ field: 'Shipped', direction: 'desc' }] })).toEqual(['nut', 'blank', 'bolt8', 'bolt6', 'evil', 'washer']);
  });

  it('groups order rows before sorts do', () => {
    expect(
      pageKeys(world, { groups: [{ field: 'Done', direction: 'desc' }], sorts: [{ field: 'Name', direction: 'asc' }] }),
    ).toEqual(['blank', 'bolt6', 'evil', 'bolt8', 'nut', 'washer']);
  });

  it('an index on the sorted column serves the whole sort, ascending or descending', () => {
    const qty = PARTS.fields.find((f) => f.name === 'Qty')?.id ?? '';
    world.db.exec(`CREATE INDEX ${fieldIndex(PARTS.id, qty)} ON ${projectionTable(PARTS.id)} (${fieldColumn(qty)})`);
    for (const direction of ['asc', 'desc'] as const) {
      const { page } = buildPageQuery(PARTS, resolveQuerySpec(PARTS, { sorts: [{ field: 'Qty', direction }] }), NOW);
      const plan = world.db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params) as Array<{ detail: string }>;
      const steps = plan.map((p) => p.detail).join('\n');
      expect(steps).toContain('USING INDEX');
      expect(steps).not.toContain('TEMP B-TREE');
    }
  });

  it('ORDER BY names only quoted columns and ends with rid in the last direction', () => {
    const resolved = resolveQuerySpec(PARTS, { sorts: [{ field: 'Qty', direction: 'desc' }] });
    expect(compileOrderBy(PARTS, resolved.sorts ?? [])).toBe(`"c_${testId('fld', 'Qty')}" DESC, rid DESC`);
    expect(compileOrderBy(PARTS, [])).toBe('rid ASC');
  });
});

describe('paging', () => {
  const byQty = { sorts: [{ field: 'Qty', direction: 'asc' as const }] };

  it('offset and limit select a window of the sorted rows', () => {
    expect(pageKeys(world, { ...byQty, offset: 2, limit: 2 })).toEqual(['washer', 'bolt8']);
    expect(pageKeys(world, { ...byQty, offset: 5, limit: 10 })).toEqual(['nut']);
    expect(pageKeys(world, { ...byQty, offset: 6, limit: 10 })).toEqual([]);
  });

  it('pages of one row concatenate to the whole order', () => {
    const whole = pageKeys(world, { sorts: [{ field: 'Done', direction: 'asc' }] });
    const paged = whole.map((_, i) => pageKeys(world, { sorts: [{ field: 'Done', direction: 'asc' }], offset: i, limit: 1 })[0]);
    expect(paged).toEqual(whole);
  });

  it('the count ignores paging and honours the filter and search', () => {
    expect(countOf(world, { offset: 4, limit: 1 })).toBe(6);
    const filter = { and: [{ field: 'Qty', op: '>=' as const, value: 0 }] };
    expect(countOf(world, { filter, limit: 1 })).toBe(4);
    expect(pageKeys(world, { filter, ...byQty, offset: 3, limit: 10 })).toEqual(['nut']);
    expect(countOf(world, { filter, search: 'm6' })).toBe(2);
  });

  it('the limit defaults to 100', () => {
    const { page } = buildPageQuery(PARTS, {}, NOW);
    expect(page.params.slice(-2)).toEqual([100, 0]);
  });

  it('page rows read back as API values by field id', () => {
    const { page } = buildPageQuery(PARTS, resolveQuerySpec(PARTS, { limit: 1 }), NOW);
    const row = world.db.prepare(page.sql).get(...page.params) as Record<string, string | number | null>;
    const record = readPageRow(PARTS, row);
    expect(record.id).toBe(testId('rec', 'bolt6'));
    expect(record.cells[testId('fld', 'Name')]).toBe('Bolt M6');
    expect(record.cells[testId('fld', 'Qty')]).toBe(10);
    expect(record.cells[testId('fld', 'Status')]).toBe('Open');
  });
});

describe('full-text search', () => {
  it('each word is a quoted prefix, all words required', () => {
    expect(ftsMatchExpression('bolt  m6')).toBe('"bolt"* AND "m6"*');
    expect(ftsMatchExpression('say "hi"')).toBe('"say"* AND """hi"""*');
    expect(ftsMatchExpression('   ')).toBeNull();
    expect(ftsMatchExpression('- /')).toBeNull();
    expect(ftsMatchExpression('bolt -')).toBe('"bolt"*');
  });

  it('empty search adds no condition', () => {
    expect(compileSearch(PARTS, '').sql).toBe('1');
    expect(pageKeys(world, { search: '' })).toHaveLength(6);
  });

  it('matches word prefixes in any field, case-insensitively', () => {
    expect(pageKeys(world, { search: 'BOL' })).toEqual(['bolt6', 'bolt8']);
    expect(pageKeys(world, { search: 'm6' })).toEqual(['bolt6', 'nut']);
    expect(pageKeys(world, { search: 'bolt m6' })).toEqual(['bolt6']);
  });

  it('combines with the filter', () => {
    expect(pageKeys(world, { search: 'm6', filter: { and: [{ field: 'Name', op: 'startsWith', value: 'N' }] } })).toEqual(['nut']);
  });

  it('quotes and FTS syntax in the text are searched for, not obeyed', () => {
    expect(pageKeys(world, { search: 'bolt OR nut' })).toEqual([]);
    expect(pageKeys(world, { search: '"bolt' })).toEqual(['bolt6', 'bolt8']);
    expect(pageKeys(world, { search: "'); DROP TABLE x; --" })).toEqual(['evil']);
  });

  it('looks rows up by rowid, never scanning the projection for a search', () => {
    const { count } = buildPageQuery(PARTS, resolveQuerySpec(PARTS, { search: 'bolt m6' }), NOW);
    const plan = (world.db.prepare(`EXPLAIN QUERY PLAN ${count.sql}`).all(...count.params) as Array<{ detail: string }>).map((r) => r.detail);
    expect(plan.some((d) => d.startsWith(`SEARCH p_${PARTS.id} USING INTEGER PRIMARY KEY`))).toBe(true);
    expect(plan.filter((d) => d.startsWith(`SCAN p_${PARTS.id}`))).toEqual([]);
  });

  it('finds rows not indexed yet (the backlog after a bulk import) by their stored text', () => {
    const pending = createWorld(undefined, undefined, false);
    try {
      const fts = `"s_${PARTS.id}"`;
      expect(pending.db.prepare(`SELECT count(*) AS n FROM ${fts} WHERE ${fts} MATCH 'bolt*'`).get()).toEqual({ n: 0 });
      for (const search of ['BOL', 'm6', 'bolt m6', '"bolt', "'); DROP TABLE x; --", 'nothing-like-this']) {
        expect(pageKeys(pending, { search }), search).toEqual(pageKeys(world, { search }));
      }
      expect(countOf(pending, { search: 'm6' })).toBe(2);
    } finally {
      pending.close();
    }
  });
});
