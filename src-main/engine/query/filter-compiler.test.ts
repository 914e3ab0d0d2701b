import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveFilter } from '../../../src-shared/query/query-resolve';
import type { FieldSchema, TableSchema } from '../../../src-shared/schema/schema.types';
import { compileFilter, likeLiteral } from './filter-compiler';
import { dayRange } from './filter-dates';
import { createWorld, matching, NOW, PARTS, STATUS, where } from './query.fixture';
import type { QueryWorld } from './query.fixture';

// Rows (see query.fixture.ts): bolt6, bolt8, washer, blank, evil, nut.
const ALL = ['blank', 'bolt6', 'bolt8', 'evil', 'nut', 'washer'];
const DAY = 86_400_000;

let world: QueryWorld;
beforeEach(() => {
  world = createWorld();
});
afterEach(() => world.close());

describe('text filters', () => {
  it('= is case-insensitive equality', () => {
    expect(where(world, 'Name', '=', 'bolt M6')).toEqual(['bolt6']);
  });

  it('!= also matches empty cells', () => {
    expect(where(world, 'Name', '!=', 'Bolt M6')).toEqual(['blank', 'bolt8', 'evil', 'nut', 'washer']);
  });

  it('contains is a case-insensitive substring match', () => {
    expect(where(world, 'Name', 'contains', 'BOLT')).toEqual(['bolt6', 'bolt8']);
    expect(where(world, 'Name', 'contains', 'M6')).toEqual(['bolt6', 'nut']);
  });

  it('contains treats %, _ and the escape character literally', () => {
    expect(where(world, 'Name', 'contains', '%')).toEqual(['washer']);
    expect(where(world, 'Name', 'contains', '_')).toEqual(['washer']);
    expect(where(world, 'Name', 'contains', '50%_o')).toEqual(['washer']);
    expect(where(world, 'Name', 'contains', '\\')).toEqual([]);
    expect(likeLiteral('a%b_c\\d')).toBe('a\\%b\\_c\\\\d');
  });

  it('notContains also matches empty cells', () => {
    expect(where(world, 'Name', 'notContains', 'bolt')).toEqual(['blank', 'evil', 'nut', 'washer']);
  });

  it('startsWith anchors at the start', () => {
    expect(where(world, 'Name', 'startsWith', 'B')).toEqual(['bolt6', 'bolt8']);
    expect(where(world, 'Name', 'startsWith', 'olt')).toEqual([]);
    expect(where(world, 'Name', 'startsWith', '_')).toEqual([]);
  });

  it('isEmpty and isNotEmpty split the rows', () => {
    expect(where(world, 'Name', 'isEmpty')).toEqual(['blank']);
    expect(where(world, 'Name', 'isNotEmpty')).toEqual(['bolt6', 'bolt8', 'evil', 'nut', 'washer']);
  });
});

describe('number filters', () => {
  it('compare numerically, accepting numeric strings', () => {
    expect(where(world, 'Qty', '=', 10)).toEqual(['bolt6', 'nut']);
    expect(where(world, 'Qty', '=', '10')).toEqual(['bolt6', 'nut']);
    expect(where(world, 'Qty', '<', 3)).toEqual(['evil', 'washer']);
    expect(where(world, 'Qty', '<=', 3)).toEqual(['bolt8', 'evil', 'washer']);
    expect(where(world, 'Qty', '>', 3)).toEqual(['bolt6', 'nut']);
    expect(where(world, 'Qty', '>=', -2.5)).toEqual(['bolt6', 'bolt8', 'evil', 'nut', 'washer']);
  });

  it('!= matches empty cells; comparisons never do', () => {
    expect(where(world, 'Qty', '!=', 10)).toEqual(['blank', 'bolt8', 'evil', 'washer']);
    expect(where(world, 'Qty', '<', 1000)).not.toContain('blank');
  });

  it('isEmpty is a missing number, not zero', () => {
    expect(where(world, 'Qty', 'isEmpty')).toEqual(['blank']);
    expect(where(world, 'Qty', 'isNotEmpty')).toContain('washer');
  });
});

describe('date filters', () => {
  it('compare calendar days', () => {
    expect(where(world, 'Due', '=', '2024-03-10')).toEqual(['evil']);
    expect(where(world, 'Due', '<', '2024-03-05')).toEqual(['blank', 'bolt6']);
    expect(where(world, 'Due', '<=', '2024-03-05')).toEqual(['blank', 'bolt6', 'bolt8']);
    expect(where(world, 'Due', '>', '2024-03-05')).toEqual(['evil', 'nut']);
    expect(where(world, 'Due', '!=', '2024-03-10')).toEqual(['blank', 'bolt6', 'bolt8', 'nut', 'washer']);
    expect(where(world, 'Due', 'isEmpty')).toEqual(['washer']);
  });

  it('withinPastDays and withinNextDays count UTC days from now, today included', () => {
    // now is 2024-03-12T12:00Z: the past 7 days are 03-05 … 03-12.
    expect(where(world, 'Due', 'withinPastDays', 7)).toEqual(['bolt8', 'evil', 'nut']);
    expect(where(world, 'Due', 'withinNextDays', 0)).toEqual(['nut']);
    expect(where(world, 'Due', 'withinNextDays', 3, NOW - 10 * DAY)).toEqual(['bolt8']);
  });
});

describe('date-time filters (Europe/Berlin, UTC+1 in March 2024)', () => {
  it('= a date is that whole day in the field time zone', () => {
    // Berlin's 10 March is 09T23:00Z … 10T23:00Z: bolt6 (22:30Z) and evil (23:00Z on the 9th) but not bolt8 (23:30Z).
    expect(where(world, 'Shipped', '=', '2024-03-10')).toEqual(['bolt6', 'evil']);
    expect(where(world, 'Shipped', '=', '2024-03-11')).toEqual(['blank', 'bolt8']);
    expect(where(world, 'Shipped', '!=', '2024-03-10')).toEqual(['blank', 'bolt8', 'nut', 'washer']);
  });

  it('= a timestamp is that instant, whatever offset it is written with', () => {
    expect(where(world, 'Shipped', '=', '2024-03-10T22:30:00.000Z')).toEqual(['bolt6']);
    expect(where(world, 'Shipped', '=', '2024-03-10T23:30:00+01:00')).toEqual(['bolt6']);
  });

  it('< and > with a date compare to the start and end of that day', () => {
    expect(where(world, 'Shipped', '<', '2024-03-10')).toEqual([]);
    expect(where(world, 'Shipped', '<=', '2024-03-10')).toEqual(['bolt6', 'evil']);
    expect(where(world, 'Shipped', '>', '2024-03-10')).toEqual(['blank', 'bolt8', 'nut']);
    expect(where(world, 'Shipped', '>=', '2024-03-11')).toEqual(['blank', 'bolt8', 'nut']);
    expect(where(world, 'Shipped', '<', '2024-03-10T23:00:00.000Z')).toEqual(['bolt6', 'evil']);
  });

  it('withinPastDays N is [now − N days, now], withinNextDays N is [now, now + N days]', () => {
    expect(where(world, 'Shipped', 'withinPastDays', 1)).toEqual(['blank', 'nut']);
    expect(where(world, 'Shipped', 'withinNextDays', 1)).toEqual([]);
    expect(where(world, 'Shipped', 'withinNextDays', 1, NOW - DAY)).toEqual(['blank', 'nut']);
  });

  it('a day range follows daylight saving time', () => {
    const [start, end] = dayRange('2024-03-31', 'Europe/Berlin');
    expect(new Date(start).toISOString()).toBe('2024-03-30T23:00:00.000Z');
    expect(new Date(end).toISOString()).toBe('2024-03-31T22:00:00.000Z');
  });

  it('isEmpty is a missing time', () => {
    expect(where(world, 'Shipped', 'isEmpty')).toEqual(['washer']);
  });
});

describe('checkbox filters', () => {
  it('= true is checked, = false is unchecked (empty)', () => {
    expect(where(world, 'Done', '=', true)).toEqual(['blank', 'bolt6']);
    expect(where(world, 'Done', '=', false)).toEqual(['bolt8', 'evil', 'nut', 'washer']);
  });
});

describe('single select filters', () => {
  it('= takes a choice name (any case) or id', () => {
    expect(where(world, 'Status', '=', 'open')).toEqual(['bolt6', 'evil', 'nut']);
    expect(where(world, 'Status', '=', STATUS.open.id)).toEqual(['bolt6', 'evil', 'nut']);
  });

  it('!= also matches empty cells', () => {
    expect(where(world, 'Status', '!=', 'Open')).toEqual(['blank', 'bolt8', 'washer']);
  });

  it('anyOf is membership in the listed options; an empty list matches nothing', () => {
    expect(where(world, 'Status', 'anyOf', ['Closed', 'In progress'])).toEqual(['blank', 'bolt8']);
    expect(where(world, 'Status', 'anyOf', [])).toEqual([]);
  });

  it('a list operand is one JSON parameter, however long the list', () => {
    const filter = resolveFilter(PARTS, { and: [{ field: 'Status', op: 'anyOf', value: ['Open', 'Closed', 'In progress'] }] });
    expect(compileFilter(PARTS, filter, NOW).params).toEqual(['["Open","Closed","In progress"]']);
  });

  it('isEmpty finds cells without an option', () => {
    expect(where(world, 'Status', 'isEmpty')).toEqual(['washer']);
  });

  it('a choice deleted after the view was saved matches nothing with = and everything with !=', () => {
    const resolved = resolveFilter(PARTS, { and: [{ field: 'Status', op: '=', value: 'Open' }] });
    const fewer: TableSchema = {
      ...PARTS,
      fields: PARTS.fields.map((f) => (f.name === 'Status' ? ({ ...f, options: { choices: [STATUS.closed] } } as FieldSchema) : f)),
    };
    expect(compileFilter(fewer, resolved, NOW).sql).toBe('0');
    const negated = resolveFilter(PARTS, { and: [{ field: 'Status', op: '!=', value: 'Open' }] });
    expect(compileFilter(fewer, negated, NOW).sql).toBe('1');
  });
});

describe('multiple select filters', () => {
  it('contains means has that option', () => {
    expect(where(world, 'Tags', 'contains', 'brass')).toEqual(['blank', 'bolt8', 'nut']);
  });

  it('anyOf is any listed option present', () => {
    expect(where(world, 'Tags', 'anyOf', ['Brass', 'Plastic'])).toEqual(['blank', 'bolt8', 'evil', 'nut']);
  });

  it('allOf is every listed option present; an empty list matches every record', () => {
    expect(where(world, 'Tags', 'allOf', ['Steel', 'Brass'])).toEqual(['bolt8', 'nut']);
    expect(where(world, 'Tags', 'allOf', [])).toEqual(ALL);
  });

  it('= is exactly that set, in any order', () => {
    expect(where(world, 'Tags', '=', ['Brass', 'Steel'])).toEqual(['bolt8']);
    expect(where(world, 'Tags', '=', 'Plastic')).toEqual(['evil']);
  });

  it('isEmpty finds cells without options', () => {
    expect(where(world, 'Tags', 'isEmpty')).toEqual(['washer']);
    expect(where(world, 'Tags', 'isNotEmpty')).toEqual(['blank', 'bolt6', 'bolt8', 'evil', 'nut']);
  });
});

describe('attachment filters', () => {
  it('contains matches any file name, case-insensitively and literally', () => {
    expect(where(world, 'Files', 'contains', 'DRAWING')).toEqual(['bolt6']);
    expect(where(world, 'Files', 'contains', '.txt')).toEqual(['washer']);
    expect(where(world, 'Files', 'contains', '_50%')).toEqual(['washer']);
    expect(where(world, 'Files', 'contains', 'size')).toEqual([]);
  });

  it('isEmpty finds records without files', () => {
    expect(where(world, 'Files', 'isEmpty')).toEqual(['blank', 'bolt8', 'evil', 'nut']);
  });
});

describe('json filters', () => {
  it('contains and notContains look at the JSON text', () => {
    expect(where(world, 'Meta', 'contains', 'grade')).toEqual(['bolt6', 'bolt8']);
    expect(where(world, 'Meta', 'contains', '"8.8"')).toEqual(['bolt6']);
    expect(where(world, 'Meta', 'notContains', 'grade')).toEqual(['blank', 'evil', 'nut', 'washer']);
    expect(where(world, 'Meta', 'isEmpty')).toEqual(['blank', 'nut']);
  });
});

describe('groups of conditions', () => {
  it('AND and OR nest', () => {
    expect(
      matching(world, {
        and: [
          { field: 'Qty', op: '>=', value: 3 },
          { or: [{ field: 'Status', op: '=', value: 'Closed' }, { field: 'Tags', op: 'contains', value: 'Plastic' }] },
        ],
      }),
    ).toEqual(['bolt8', 'nut']);
    expect(
      matching(world, {
        or: [
          { field: 'Name', op: 'isEmpty' },
          { and: [{ field: 'Done', op: '=', value: true }, { field: 'Qty', op: '>', value: 5 }] },
        ],
      }),
    ).toEqual(['blank', 'bolt6']);
  });

  it('an empty group imposes no condition, at the top or nested', () => {
    expect(matching(world, { and: [] })).toEqual(ALL);
    expect(matching(world, { or: [] })).toEqual(ALL);
    expect(matching(world, { and: [{ or: [] }, { field: 'Qty', op: '=', value: 3 }] })).toEqual(['bolt8']);
  });

  it('parameters line up with placeholders across nested groups', () => {
    const filter = resolveFilter(PARTS, {
      or: [
        { and: [{ field: 'Shipped', op: '=', value: '2024-03-11' }, { field: 'Tags', op: 'allOf', value: ['Steel', 'Brass'] }] },
        { field: 'Name', op: 'contains', value: 'washer' },
      ],
    });
    const compiled = compileFilter(PARTS, filter, NOW);
    expect(compiled.sql.split('?').length - 1).toBe(compiled.params.length);
    expect(matching(world, filter)).toEqual(['bolt8', 'washer']);
  });
});

describe('hostile values', () => {
  const attack = "'); DROP TABLE x; --";

  it('a malicious operand is only ever a parameter', () => {
    const filter = resolveFilter(PARTS, {
      or: [
        { field: 'Name', op: '=', value: attack },
        { field: 'Name', op: 'contains', value: attack },
        { field: 'Meta', op: 'contains', value: attack },
        { field: 'Files', op: 'contains', value: attack },
      ],
    });
    const compiled = compileFilter(PARTS, filter, NOW);
    expect(compiled.sql).not.toContain('DROP');
    expect(matching(world, filter)).toEqual(['evil']);
  });

  it('a malicious stored value is data, and the table survives', () => {
    world.db.exec('CREATE TABLE x (a)');
    expect(where(world, 'Name', '=', attack)).toEqual(['evil']);
    expect(where(world, 'Name', 'startsWith', "');")).toEqual(['evil']);
    expect(world.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'x'").get()).toEqual({ n: 1 });
    expect(matching(world, { and: [] })).toEqual(ALL);
  });
});
