import { describe, expect, it } from 'vitest';
import { FIELD_TYPE_DEFS, getFieldType } from './field-registry';
import { FIELD_TYPES, type CellValue, type FieldOptions, type FieldType, type SelectChoice } from '../schema/schema.types';
import { FILTER_OPS } from '../query/query.types';

interface Sample<T extends FieldType> {
  options: FieldOptions<T>;
  values: CellValue[];
  /** Largest difference allowed after a text round trip (numbers shown at a precision). */
  tolerance?: number;
}
type Samples = { [T in FieldType]: Sample<T>[] };

const choices: SelectChoice[] = [
  { id: 'selRed00000000000', name: 'Red', color: 'red' },
  { id: 'selGreen000000000', name: 'Green', color: 'green' },
  { id: 'selComma000000000', name: 'Smith, John', color: 'blue' },
  { id: 'selBracket0000000', name: '[draft]', color: 'gray' },
  { id: 'selDigit000000000', name: '42', color: 'pink' },
];
const zones = ['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe'];
const wholeSecondInstants = [
  '2024-01-05T14:30:07.000Z',
  '1999-12-31T23:59:59.000Z',
  '2024-03-31T01:30:00.000Z',
  '2024-10-27T00:30:00.000Z',
  '2024-10-27T01:30:00.000Z',
  '2024-11-03T05:30:00.000Z',
  '2024-11-03T06:30:00.000Z',
  '0001-01-01T12:00:00.000Z',
];
const wholeMinuteInstants = ['2024-01-05T14:30:00.000Z', '2024-07-01T00:00:00.000Z', '2024-10-27T01:15:00.000Z'];
const dateFormats = ['iso', 'us', 'european', 'friendly'] as const;

const SAMPLES: Samples = {
  singleLineText: [{ options: {}, values: ['hello', '  spaced  ', 'a, b', '"quoted"', 'ünïcødé ✓', '0012'] }],
  longText: [{ options: {}, values: ['line one\nline two', '  x  ', '\n'] }],
  number: [
    { options: { precision: 0 }, values: [42, -7, 0, 1234567, 1e21] },
    { options: { precision: 2 }, values: [3.14, -0.5, 123456.789, 1e-9], tolerance: 0.005 },
    { options: { precision: 8 }, values: [0.12345678, -1.5] },
  ],
  currency: [
    { options: { precision: 2, symbol: '$' }, values: [1234.5, -3, 0.01, 1e9] },
    { options: { precision: 0, symbol: 'kr' }, values: [1000, -25] },
    { options: { precision: 2, symbol: 'CHF' }, values: [99.95] },
    { options: { precision: 2, symbol: '€' }, values: [2.345], tolerance: 0.005 },
  ],
  percent: [
    { options: { precision: 0 }, values: [0.5, 0.07, -1.25, 0, 10] },
    { options: { precision: 1 }, values: [0.123, 0.001] },
    { options: { precision: 0 }, values: [0.12345], tolerance: 0.005 },
  ],
  date: dateFormats.map((dateFormat) => ({ options: { dateFormat }, values: ['2024-01-05', '1999-12-31', '2024-02-29', '0900-03-04'] })),
  dateTime: [
    ...zones.flatMap((timeZone) =>
      (['24h', '12h'] as const).map((timeFormat) => ({ options: { dateFormat: 'iso' as const, timeFormat, timeZone }, values: wholeSecondInstants })),
    ),
    ...dateFormats.slice(1).flatMap((dateFormat) =>
      zones.map((timeZone) => ({ options: { dateFormat, timeFormat: '12h' as const, timeZone }, values: wholeMinuteInstants })),
    ),
  ],
  duration: [
    { options: { durationFormat: 'h:mm' }, values: [5400, 0, -1800, 360000] },
    { options: { durationFormat: 'h:mm:ss' }, values: [3723, 59, -61] },
    { options: { durationFormat: 'h:mm:ss.s' }, values: [3723.5] },
    { options: { durationFormat: 'h:mm:ss.ss' }, values: [0.05, 1.99] },
    { options: { durationFormat: 'h:mm:ss.sss' }, values: [3723.123, 0.001, -0.5] },
  ],
  checkbox: [{ options: {}, values: [true] }],
  singleSelect: [{ options: { choices }, values: choices.map((c) => c.id) }],
  multipleSelect: [
    {
      options: { choices },
      values: [
        ['selRed00000000000'],
        ['selGreen000000000', 'selRed00000000000'],
        ['selComma000000000', 'selRed00000000000'],
        ['selBracket0000000'],
        ['selDigit000000000', 'selGreen000000000'],
      ],
    },
  ],
  rating: [
    { options: { max: 5 }, values: [1, 3, 5] },
    { options: { max: 10 }, values: [10] },
  ],
  url: [{ options: {}, values: ['https://example.com/a?b=c', 'example.com', 'mailto:a@b.co'] }],
  email: [{ options: {}, values: ['jane.doe@example.com', 'A+b@x.co.uk'] }],
  phone: [{ options: {}, values: ['+1 (555) 123-4567', '030/1234567 ext. 9'] }],
  attachment: [{ options: {}, values: [[{ id: 'attA000000000000', name: 'a.pdf', size: 1, type: 'application/pdf' }]] }],
  autonumber: [{ options: {}, values: [1, 99] }],
  createdTime: [{ options: { dateFormat: 'iso', timeFormat: '24h', timeZone: 'UTC' }, values: wholeSecondInstants }],
  lastModifiedTime: [{ options: { dateFormat: 'iso', timeFormat: '24h', timeZone: 'Europe/Berlin', fields: [] }, values: wholeSecondInstants }],
  json: [{ options: {}, values: [{ a: [1, 'x', null] }, [1, 2], 'text', 0, false, { 'k,': { n: -2.5 } }] }],
};

/** Types whose text can't be read back by contract: attachments can't be set from text, computed values can't be edited. */
const NOT_FROM_TEXT = new Set<FieldType>(['attachment', 'autonumber', 'createdTime', 'lastModifiedTime']);

function eachSample(run: (type: FieldType, options: FieldOptions, value: CellValue, tolerance: number) => void): void {
  for (const type of FIELD_TYPES) {
    for (const sample of SAMPLES[type] as Sample<FieldType>[]) {
      for (const value of sample.values) run(type, sample.options, value, sample.tolerance ?? 0);
    }
  }
}

describe('field registry', () => {
  it('has a definition for every field type, under its own name', () => {
    expect(Object.keys(FIELD_TYPE_DEFS).sort()).toEqual([...FIELD_TYPES].sort());
    for (const type of FIELD_TYPES) {
      expect(getFieldType(type).type).toBe(type);
      expect(getFieldType(type).label).not.toBe('');
    }
  });

  it('throws on an unknown type, which is a bug', () => {
    expect(() => getFieldType('formula' as FieldType)).toThrow('Unknown field type: formula');
    expect(() => getFieldType('toString' as FieldType)).toThrow('Unknown field type: toString');
  });

  it('marks exactly the computed types as computed, and only they compute', () => {
    const computed = FIELD_TYPES.filter((t) => getFieldType(t).computed);
    expect(computed).toEqual(['autonumber', 'createdTime', 'lastModifiedTime']);
    for (const type of FIELD_TYPES) expect(typeof getFieldType(type).compute === 'function').toBe(computed.includes(type));
  });

  it('gives default options that validate to themselves, also from no input', () => {
    for (const type of FIELD_TYPES) {
      const def = getFieldType(type);
      expect(def.normalizeOptions(def.defaultOptions()), type).toEqual({ ok: true, value: def.defaultOptions() });
      expect(def.normalizeOptions(undefined), type).toEqual({ ok: true, value: def.defaultOptions() });
    }
  });

  it('projects each type to the documented SQL storage class', () => {
    const expected: Record<FieldType, string> = {
      singleLineText: 'TEXT', longText: 'TEXT', url: 'TEXT', email: 'TEXT', phone: 'TEXT',
      number: 'REAL', currency: 'REAL', percent: 'REAL', duration: 'REAL',
      rating: 'INTEGER', autonumber: 'INTEGER', checkbox: 'INTEGER',
      date: 'TEXT', dateTime: 'INTEGER', createdTime: 'INTEGER', lastModifiedTime: 'INTEGER',
      singleSelect: 'TEXT', multipleSelect: 'TEXT', attachment: 'TEXT', json: 'TEXT',
    };
    for (const type of FIELD_TYPES) expect(getFieldType(type).sqlType, type).toBe(expected[type]);
  });

  it('offers only known filter operators, each once', () => {
    for (const type of FIELD_TYPES) {
      const ops = getFieldType(type).filterOps;
      expect(new Set(ops).size, type).toBe(ops.length);
      for (const op of ops) expect(FILTER_OPS, `${type} ${op}`).toContain(op);
    }
  });

  it('treats null, undefined and empty text as empty for every type', () => {
    for (const type of FIELD_TYPES) {
      const def = getFieldType(type);
      const options = def.defaultOptions();
      for (const input of [null, undefined, '']) expect(def.normalize(input, options), type).toEqual({ ok: true, value: null });
      expect(def.parse('', options), type).toEqual({ ok: true, value: null });
      expect(def.format(null, options), type).toBe('');
      expect(def.toSql(null, options), type).toBeNull();
      expect(def.fromSql(null, options), type).toBeNull();
      expect(def.searchText(null, options), type).toBe('');
    }
  });

  it('reads back its own text: parse(format(v)) gives v for every type that can be set from text', () => {
    eachSample((type, options, value, tolerance) => {
      if (NOT_FROM_TEXT.has(type)) return;
      const def = getFieldType(type);
      const text = def.format(value, options);
      const back = def.parse(text, options);
      const where = `${type} ${JSON.stringify(options)} ${JSON.stringify(value)} shown as ${JSON.stringify(text)}`;
      expect(back.ok, where).toBe(true);
      if (!back.ok) return;
      if (tolerance > 0 && typeof value === 'number') {
        expect(Math.abs((back.value as number) - value), where).toBeLessThanOrEqual(tolerance);
      } else {
        expect(back.value, where).toEqual(value);
      }
    });
  });

  it('shows non-editable types as text even though that text is not read back', () => {
    expect(getFieldType('attachment').format(SAMPLES.attachment[0]?.values[0] ?? null, {})).toBe('a.pdf');
    expect(getFieldType('autonumber').format(99, {})).toBe('99');
    expect(getFieldType('createdTime').format('2024-01-05T14:30:07.000Z', SAMPLES.createdTime[0]!.options)).toBe('2024-01-05 14:30:07');
  });

  it('parses text into stored values, which normalize returns unchanged (imports project parsed values without normalizing)', () => {
    const texts = ['', ' x ', '42', '-3.5', '1,234.5', '50%', '$12', 'yes', 'no', 'true', '2024-02-29', '02/29/2024', '1:30', '1:02:03.5', 'Red', 'red, Green', 'a@b.co', 'https://x.y', '{"a":1}', '[1,2]'];
    eachSample((type, options, value) => {
      const def = getFieldType(type);
      if (def.computed) return;
      for (const text of [...texts, def.format(value, options)]) {
        const parsed = def.parse(text, options);
        if (!parsed.ok) continue;
        expect(def.normalize(parsed.value, options), `${type} ${JSON.stringify(options)} ${JSON.stringify(text)}`).toEqual({ ok: true, value: parsed.value });
      }
    });
  });

  it('accepts every stored value unchanged through normalize (editable types)', () => {
    eachSample((type, options, value) => {
      if (getFieldType(type).computed) return;
      expect(getFieldType(type).normalize(value, options), `${type} ${JSON.stringify(value)}`).toEqual({ ok: true, value });
    });
  });

  it('projects every stored value to its SQL class and back to its API form', () => {
    eachSample((type, options, value) => {
      const def = getFieldType(type);
      const sql = def.toSql(value, options);
      const where = `${type} ${JSON.stringify(value)} → ${JSON.stringify(sql)}`;
      expect(sql, where).not.toBeNull();
      expect(typeof sql, where).toBe(def.sqlType === 'TEXT' ? 'string' : 'number');
      if (def.sqlType === 'INTEGER') expect(Number.isInteger(sql), where).toBe(true);
      const api = def.fromSql(sql, options);
      if (type === 'singleSelect' || type === 'multipleSelect') {
        const names = def.format(value, options);
        expect(api, where).toEqual(type === 'singleSelect' ? names : JSON.parse(sql as string));
      } else {
        expect(api, where).toEqual(value);
      }
      expect(typeof def.searchText(value, options), where).toBe('string');
    });
  });

  it('keeps failure messages short even for huge input', () => {
    const huge = 'q'.repeat(10_000);
    for (const type of FIELD_TYPES) {
      const def = getFieldType(type);
      for (const result of [def.parse(huge, def.defaultOptions()), def.normalize({ huge }, def.defaultOptions())]) {
        if (!result.ok) expect(result.message.length, type).toBeLessThan(160);
      }
    }
  });
});
