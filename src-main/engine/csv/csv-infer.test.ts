import { describe, expect, it } from 'vitest';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { isId } from '../../../src-shared/ids';
import type { FieldOptions, FieldType } from '../../../src-shared/schema/schema.types';
import { ColumnTypeInferrer, type InferredField } from './csv-infer';

/** Infers one column from its values, added in batches of 3 to exercise streaming. */
function inferColumn(values: string[], options?: { timeZone?: string }): InferredField {
  const inferrer = new ColumnTypeInferrer(1, options);
  for (let i = 0; i < values.length; i += 3) inferrer.add(values.slice(i, i + 3).map((v) => [v]));
  const [field] = inferrer.result();
  if (!field) throw new Error('no result');
  return field;
}

/** Every value of the column parses with the inferred type and options, as the import will parse it. */
function expectAllParse(values: string[], field: InferredField): void {
  const def = getFieldType(field.type as FieldType);
  for (const value of values) {
    const parsed = def.parse(value, field.options as FieldOptions);
    expect(parsed.ok, `${JSON.stringify(value)} as ${field.type}`).toBe(true);
  }
}

function infer(values: string[]): InferredField {
  const field = inferColumn(values);
  expectAllParse(values, field);
  return field;
}

const repeat = (values: string[], times: number): string[] => Array.from({ length: times }, () => values).flat();

describe('ColumnTypeInferrer', () => {
  it('makes an all-empty column single line text', () => {
    expect(infer(['', '  ', ''])).toEqual({ type: 'singleLineText', options: {} });
  });

  it('makes true/false and yes/no columns checkboxes, ignoring empty values', () => {
    expect(infer(['true', 'False', '', 'TRUE'])).toEqual({ type: 'checkbox', options: {} });
    expect(infer(['yes', 'no', 'Yes'])).toEqual({ type: 'checkbox', options: {} });
  });

  it('makes a 0/1 column a number, not a checkbox', () => {
    expect(infer(['0', '1', '1', '0'])).toEqual({ type: 'number', options: { precision: 0 } });
  });

  it('makes numbers with the most decimals seen as precision, capped at 8', () => {
    expect(infer(['1', '2.5', '-3.125', '1,234.50', ''])).toEqual({ type: 'number', options: { precision: 3 } });
    expect(infer(['0.1234567891234', '2'])).toEqual({ type: 'number', options: { precision: 8 } });
    expect(infer(['1.5e-3', '2'])).toEqual({ type: 'number', options: { precision: 4 } });
  });

  it('keeps codes with leading zeros or too many digits as text', () => {
    expect(infer(['00123', '00456', '789']).type).toBe('singleLineText');
    expect(infer(['12345678901234567', '2']).type).toBe('singleLineText');
  });

  it('makes amounts with a currency symbol currency, with the symbol and precision from the data', () => {
    expect(infer(['$1,200.50', '$3', '-$4.25', '7'])).toEqual({ type: 'currency', options: { precision: 2, symbol: '$' } });
    expect(infer(['12 €', '3.5 €', '€4'])).toEqual({ type: 'currency', options: { precision: 1, symbol: '€' } });
    expect(infer(['EUR 10', 'EUR 12.5'])).toEqual({ type: 'currency', options: { precision: 1, symbol: 'EUR' } });
  });

  it('does not mix currencies in one column', () => {
    expect(infer(['$1', '€2', '$3']).type).toBe('singleLineText');
  });

  it('makes values that all end with % percent', () => {
    expect(infer(['50%', '12.5%', '-3%'])).toEqual({ type: 'percent', options: { precision: 1 } });
    expect(infer(['50%', '12']).type).toBe('singleLineText');
  });

  it('makes dates dates, with the format the data is written in', () => {
    expect(infer(['2024-01-05', '2023-12-31', ''])).toEqual({ type: 'date', options: { dateFormat: 'iso' } });
    expect(infer(['1/5/2024', '12/31/2023'])).toEqual({ type: 'date', options: { dateFormat: 'us' } });
    expect(infer(['05/01/2024', '31/12/2023'])).toEqual({ type: 'date', options: { dateFormat: 'european' } });
    expect(infer(['5.1.2024', '31.12.2023'])).toEqual({ type: 'date', options: { dateFormat: 'european' } });
    expect(infer(['Jan 5, 2024', '31 December 2023'])).toEqual({ type: 'date', options: { dateFormat: 'friendly' } });
  });

  it('makes date-times dateTime, also when some values are dates alone', () => {
    expect(infer(['2024-01-05 14:30', '2024-01-06T08:00:00Z', '2024-01-07'])).toEqual({
      type: 'dateTime',
      options: { dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' },
    });
    expect(inferColumn(['1/5/2024 2:30 PM', '1/6/2024 9:00 AM'], { timeZone: 'Europe/Berlin' })).toEqual({
      type: 'dateTime',
      options: { dateFormat: 'us', timeFormat: '12h', timeZone: 'Europe/Berlin' },
    });
  });

  it('rejects impossible dates', () => {
    expect(infer(['2024-02-30', '2024-01-01']).type).toBe('singleLineText');
  });

  it('makes email addresses email', () => {
    expect(infer(['ada@example.com', 'Grace.Hopper@Navy.MIL'])).toEqual({ type: 'email', options: {} });
  });

  it('makes links with a scheme or www. url, but keeps bare domains as text', () => {
    expect(infer(['https://example.com/a?b=1', 'www.example.org', 'http://localhost:8080'])).toEqual({ type: 'url', options: {} });
    expect(infer(['example.com', 'https://example.org']).type).toBe('singleLineText');
  });

  it('makes a repetitive column a single select with choices in first-seen order', () => {
    const values = repeat(['Open', 'Closed', 'Open', 'Blocked', ''], 4);
    const field = infer(values);
    expect(field.type).toBe('singleSelect');
    const { choices } = field.options as FieldOptions<'singleSelect'>;
    expect(choices.map((c) => c.name)).toEqual(['Open', 'Closed', 'Blocked']);
    expect(choices.every((c) => isId(c.id, 'sel'))).toBe(true);
    expect(new Set(choices.map((c) => c.id)).size).toBe(3);
    expect(new Set(choices.map((c) => c.color)).size).toBe(3);
  });

  it('does not make a select from too few values, too many distinct values or long values', () => {
    expect(infer(repeat(['A', 'B', 'A'], 3)).type).toBe('singleLineText'); // 9 values
    expect(infer(Array.from({ length: 120 }, (_, i) => `item ${i % 51}`)).type).toBe('singleLineText'); // 51 distinct
    expect(infer(Array.from({ length: 20 }, (_, i) => `v${i % 11}`)).type).toBe('singleLineText'); // 11 of 20 distinct
    expect(infer(repeat(['x'.repeat(101), 'y'], 10)).type).toBe('singleLineText');
  });

  it('makes a column with line breaks or values over 255 characters long text', () => {
    expect(infer(['short', 'two\nlines'])).toEqual({ type: 'longText', options: {} });
    expect(infer(['short', 'z'.repeat(256)])).toEqual({ type: 'longText', options: {} });
    expect(infer(['short', 'z'.repeat(255)])).toEqual({ type: 'singleLineText', options: {} });
  });

  it('drops a candidate for good once a value fails it, wherever that value is', () => {
    const values = [...Array.from({ length: 500 }, (_, i) => String(i)), 'n/a', ...Array.from({ length: 500 }, (_, i) => String(i))];
    expect(infer(values).type).toBe('singleLineText');
  });

  it('infers each column of a table independently', () => {
    const inferrer = new ColumnTypeInferrer(3);
    inferrer.add([
      ['1', 'yes', 'a'],
      ['2', 'no'],
      ['3', 'yes', 'b'],
    ]);
    expect(inferrer.result().map((f) => f.type)).toEqual(['number', 'checkbox', 'singleLineText']);
  });

  it('keeps only bounded state for a long column of distinct values', () => {
    const inferrer = new ColumnTypeInferrer(1);
    for (let batch = 0; batch < 20; batch++) {
      inferrer.add(Array.from({ length: 1000 }, (_, i) => [`name ${batch}-${i}`]));
    }
    expect(inferrer.result()).toEqual([{ type: 'singleLineText', options: {} }]);
    // The distinct values are dropped as soon as the column cannot be a select.
    expect(inferrer.retainedValues()).toBe(0);

    const numbers = new ColumnTypeInferrer(1);
    for (let batch = 0; batch < 20; batch++) numbers.add(Array.from({ length: 1000 }, (_, i) => [`${batch * 1000 + i}.5`]));
    expect(numbers.result()).toEqual([{ type: 'number', options: { precision: 1 } }]);
    // Still a number candidate, but its values do not repeat: the seen-value cache is dropped too.
    expect(numbers.retainedValues()).toBe(0);
  });

  it('counts a repeated value each time without parsing it again', () => {
    const inferrer = new ColumnTypeInferrer(1);
    inferrer.add(Array.from({ length: 6 }, () => ['2024-01-05']));
    expect(inferrer.result()).toEqual([{ type: 'date', options: { dateFormat: 'iso' } }]);
    inferrer.add([['12:00']]);
    expect(inferrer.result()[0]?.type).toBe('singleLineText');
  });
});

describe('ColumnTypeInferrer.merge', () => {
  /** The decision without the random choice ids. */
  const decided = (fields: InferredField[]): unknown =>
    fields.map((f) => (f.type === 'singleSelect' ? { type: f.type, names: f.options.choices.map((c) => [c.name, c.color]) } : f));

  // Values that move columns between candidates: numbers of several precisions, codes, currencies
  // in two symbols, percents, dates in every layout, times in 12 and 24 hours, emails, URLs,
  // booleans, long and multi-line text, and many distinct names.
  const POOL = [
    '1', '2.5', '-3.125', '007', '1e3', '$4.50', '€3', '12%', '7.5%', '2024-01-05', '1/2/2024', '13/2/2024',
    '05.01.2024', 'Jan 5, 2024', '2024-01-05 14:30', '1/2/2024 2:30 pm', 'a@b.co', 'https://x.y/z', 'www.q.org',
    'yes', 'no', 'TRUE', '', '  ', 'Red', 'Green', 'x'.repeat(300), 'two\nlines', 'USD 5',
  ];

  it('gives the decision of one pass over all rows, wherever the rows are split', () => {
    let seed = 7;
    const rand = (n: number): number => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const types: string[] = [];
    for (let trial = 0; trial < 300; trial++) {
      // Each column draws from a few pool values (so some stay one type), sometimes from many names.
      const columns = 4;
      const picks = Array.from({ length: columns }, () => Array.from({ length: 1 + rand(4) }, () => POOL[rand(POOL.length)]!));
      const rows = Array.from({ length: 20 + rand(200) }, () =>
        picks.map((pick, c) => (c === 3 && rand(3) === 0 ? `name ${rand(60)}` : pick[rand(pick.length)]!)),
      );
      const whole = new ColumnTypeInferrer(columns);
      whole.add(rows);
      const cuts = [rand(rows.length + 1), rand(rows.length + 1)].sort((a, b) => a - b);
      const parts = [rows.slice(0, cuts[0]), rows.slice(cuts[0], cuts[1]), rows.slice(cuts[1])];
      const first = new ColumnTypeInferrer(columns);
      first.add(parts[0]!);
      for (const part of parts.slice(1)) {
        const other = new ColumnTypeInferrer(columns);
        other.add(part);
        first.merge(other.snapshot());
      }
      types.push(...whole.result().map((f) => f.type));
      expect(decided(first.result()), `trial ${trial}: ${JSON.stringify(picks)} cut at ${cuts.join(', ')}`).toEqual(decided(whole.result()));
    }
    // The trials reached most decisions, not just text.
    expect(new Set(types).size).toBeGreaterThanOrEqual(9);
  });

  it('drops currency when the parts use different symbols, and a select when their names together are too many', () => {
    const rowsA = Array.from({ length: 90 }, (_, i) => [`$${i}.50`, `n${i % 30}`]);
    const rowsB = Array.from({ length: 90 }, (_, i) => [`€${i}`, `m${i % 30}`]);
    const a = new ColumnTypeInferrer(2);
    a.add(rowsA);
    expect(a.result().map((f) => f.type)).toEqual(['currency', 'singleSelect']);
    const b = new ColumnTypeInferrer(2);
    b.add(rowsB);
    expect(b.result().map((f) => f.type)).toEqual(['currency', 'singleSelect']);
    a.merge(b.snapshot());
    expect(a.result().map((f) => f.type)).toEqual(['singleLineText', 'singleLineText']);
    expect(() => a.merge([])).toThrow('0 columns, expected 2');
  });
});
