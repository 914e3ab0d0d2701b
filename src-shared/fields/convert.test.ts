import { describe, expect, it } from 'vitest';
import { choicesForConversion, conversionChoiceNames, convertCell } from './convert';
import { getFieldType } from './field-registry';
import { isId } from '../ids';
import { FIELD_TYPES, SELECT_COLORS, type CellValue, type FieldOptions, type FieldSchema, type FieldType, type SelectChoice } from '../schema/schema.types';

function field<T extends FieldType>(type: T, options?: Partial<FieldOptions<T>>): FieldSchema<T> {
  const result = getFieldType(type).normalizeOptions(options ?? {});
  if (!result.ok) throw new Error(result.message);
  return { id: `fld_${type}`, name: type, type, options: result.value, description: '' };
}

const red: SelectChoice = { id: 'selRed00000000000', name: 'Red', color: 'red' };
const green: SelectChoice = { id: 'selGreen000000000', name: 'Green', color: 'green' };
/** The same names under other ids, as in a different field. */
const red2: SelectChoice = { id: 'selRed22222222222', name: 'Red', color: 'blue' };
const green2: SelectChoice = { id: 'selGreen222222222', name: 'Green', color: 'teal' };

const SAMPLE_VALUES: Record<FieldType, CellValue[]> = {
  singleLineText: ['hello', '42', 'Red', 'yes', '2024-01-05', 'https://example.com', 'a@b.co', '555-1234'],
  longText: ['line one\nline two', '3.5'],
  number: [50, -1.5, 0, 3],
  currency: [12.5, -3],
  percent: [0.5, 0.125],
  date: ['2024-01-05'],
  dateTime: ['2024-01-05T23:30:00.000Z'],
  duration: [5400, 0.5],
  checkbox: [true],
  singleSelect: [red.id],
  multipleSelect: [[red.id, green.id]],
  rating: [3],
  url: ['https://example.com/x'],
  email: ['a@b.co'],
  phone: ['+1 555 123 4567'],
  attachment: [[{ id: 'attA000000000000', name: 'a.pdf', size: 1, type: 'application/pdf' }]],
  autonumber: [7],
  createdTime: ['2024-01-05T10:00:00.000Z'],
  lastModifiedTime: ['2024-01-05T10:00:00.000Z'],
  json: [{ a: 1 }, 'text', [1, 2], 5, true, '2024-01-05'],
};

function schemaFor(type: FieldType): FieldSchema {
  if (type === 'singleSelect' || type === 'multipleSelect') return field(type, { choices: [red, green] });
  if (type === 'dateTime') return field(type, { timeZone: 'Europe/Berlin' });
  return field(type);
}

describe('convertCell', () => {
  it('never throws for any pair of types, and every success is a stored value the target accepts as is', () => {
    let conversions = 0;
    for (const fromType of FIELD_TYPES) {
      for (const toType of FIELD_TYPES) {
        const from = schemaFor(fromType);
        const to = schemaFor(toType);
        for (const value of SAMPLE_VALUES[fromType]) {
          const where = `${fromType} ${JSON.stringify(value)} → ${toType}`;
          const result = convertCell(value, from, to);
          conversions++;
          if (result.ok) {
            if (result.value !== null && !getFieldType(toType).computed) {
              expect(getFieldType(toType).normalize(result.value, to.options), where).toEqual({ ok: true, value: result.value });
            }
          } else {
            expect(result.message.length, where).toBeGreaterThan(0);
            expect(result.message.length, where).toBeLessThan(160);
          }
        }
        expect(convertCell(null, from, to), `${fromType} → ${toType}`).toEqual({ ok: true, value: null });
      }
    }
    expect(conversions).toBeGreaterThan(400);
  });

  it('keeps every value when converting to the same type', () => {
    for (const type of FIELD_TYPES) {
      if (getFieldType(type).computed) continue;
      for (const value of SAMPLE_VALUES[type]) {
        expect(convertCell(value, schemaFor(type), schemaFor(type)), type).toEqual({ ok: true, value });
      }
    }
  });

  it('shows the value with the old type and reads it with the new one by default', () => {
    expect(convertCell(1234.5, field('currency'), field('singleLineText'))).toEqual({ ok: true, value: '$1,234.50' });
    expect(convertCell('42', field('singleLineText'), field('number'))).toEqual({ ok: true, value: 42 });
    expect(convertCell('twelve', field('singleLineText'), field('number'))).toEqual({ ok: false, message: `'twelve' is not a number` });
    expect(convertCell('a\nb', field('longText'), field('singleLineText'))).toEqual({ ok: true, value: 'a b' });
    expect(convertCell('3/4/2024', field('singleLineText'), field('date', { dateFormat: 'european' }))).toEqual({ ok: true, value: '2024-04-03' });
    expect(convertCell('2024-01-05', field('date', { dateFormat: 'friendly' }), field('singleLineText'))).toEqual({ ok: true, value: 'Jan 5, 2024' });
  });

  describe('selects', () => {
    const single = field('singleSelect', { choices: [red, green] });
    const multi = field('multipleSelect', { choices: [red, green] });
    const otherSingle = field('singleSelect', { choices: [red2, green2] });
    const otherMulti = field('multipleSelect', { choices: [green2, red2] });

    it('single → multiple keeps the choice, mapped by name', () => {
      expect(convertCell(red.id, single, otherMulti)).toEqual({ ok: true, value: [red2.id] });
    });
    it('multiple → single keeps the first choice', () => {
      expect(convertCell([green.id, red.id], multi, otherSingle)).toEqual({ ok: true, value: green2.id });
    });
    it('maps choices by name between fields with different ids', () => {
      expect(convertCell(red.id, single, otherSingle)).toEqual({ ok: true, value: red2.id });
      expect(convertCell([red.id, green.id], multi, otherMulti)).toEqual({ ok: true, value: [red2.id, green2.id] });
    });
    it('fails when the target has no choice of that name', () => {
      expect(convertCell(red.id, single, field('singleSelect', { choices: [green2] }))).toEqual({
        ok: false,
        message: `'Red' is not an option (options: Green)`,
      });
    });
    it('text → select uses the choices created first by choicesForConversion', () => {
      const texts = ['Small', 'Large, Small', 'medium', '', 'Large'];
      const names = texts.flatMap((t) => conversionChoiceNames(t, field('singleLineText'), 'multipleSelect'));
      expect(names).toEqual(['Small', 'Large', 'Small', 'medium', 'Large']);
      const choices = choicesForConversion(names, []);
      expect(choices.map((c) => c.name)).toEqual(['Small', 'Large', 'medium']);
      const target = field('multipleSelect', { choices });
      const small = choices[0]!.id;
      const large = choices[1]!.id;
      expect(convertCell('Large, Small', field('singleLineText'), target)).toEqual({ ok: true, value: [large, small] });
      expect(convertCell('Small', field('singleLineText'), target)).toEqual({ ok: true, value: [small] });
    });
    it('select → text shows the names', () => {
      expect(convertCell([red.id, green.id], multi, field('singleLineText'))).toEqual({ ok: true, value: 'Red, Green' });
      expect(convertCell(green.id, single, field('longText'))).toEqual({ ok: true, value: 'Green' });
    });
  });

  describe('numbers', () => {
    it('number ↔ currency keeps the number', () => {
      expect(convertCell(12.5, field('number'), field('currency'))).toEqual({ ok: true, value: 12.5 });
      expect(convertCell(-3.25, field('currency'), field('number'))).toEqual({ ok: true, value: -3.25 });
    });
    it('number 50 becomes 50 % (0.5), and back', () => {
      expect(convertCell(50, field('number'), field('percent'))).toEqual({ ok: true, value: 0.5 });
      expect(convertCell(12.3, field('currency'), field('percent'))).toEqual({ ok: true, value: 0.123 });
      expect(convertCell(0.5, field('percent'), field('number'))).toEqual({ ok: true, value: 50 });
      expect(convertCell(0.07, field('percent'), field('currency'))).toEqual({ ok: true, value: 7 });
    });
    it('duration ↔ number is seconds', () => {
      expect(convertCell(90, field('number'), field('duration'))).toEqual({ ok: true, value: 90 });
      expect(convertCell(5400, field('duration'), field('number'))).toEqual({ ok: true, value: 5400 });
    });
    it('number → rating rounds and respects the maximum', () => {
      expect(convertCell(3.4, field('number'), field('rating'))).toEqual({ ok: true, value: 3 });
      expect(convertCell(0, field('number'), field('rating'))).toEqual({ ok: true, value: null });
      expect(convertCell(9, field('number'), field('rating'))).toEqual({ ok: false, message: `'9' is more than the maximum rating of 5` });
      expect(convertCell(7, field('autonumber'), field('number'))).toEqual({ ok: true, value: 7 });
    });
  });

  describe('checkbox', () => {
    it('checkbox → text is "checked"', () => {
      expect(convertCell(true, field('checkbox'), field('singleLineText'))).toEqual({ ok: true, value: 'checked' });
    });
    it('checkbox → number-like is 1 (100 % for percent)', () => {
      expect(convertCell(true, field('checkbox'), field('number'))).toEqual({ ok: true, value: 1 });
      expect(convertCell(true, field('checkbox'), field('percent'))).toEqual({ ok: true, value: 1 });
      expect(convertCell(true, field('checkbox'), field('rating'))).toEqual({ ok: true, value: 1 });
    });
    it('number-like → checkbox is checked when not zero', () => {
      expect(convertCell(5, field('number'), field('checkbox'))).toEqual({ ok: true, value: true });
      expect(convertCell(0, field('number'), field('checkbox'))).toEqual({ ok: true, value: null });
    });
    it('text → checkbox reads checkbox words, and any other text is checked', () => {
      expect(convertCell('no', field('singleLineText'), field('checkbox'))).toEqual({ ok: true, value: null });
      expect(convertCell('Yes', field('singleLineText'), field('checkbox'))).toEqual({ ok: true, value: true });
      expect(convertCell('anything', field('singleLineText'), field('checkbox'))).toEqual({ ok: true, value: true });
    });
  });

  describe('dates and times', () => {
    const berlin = field('dateTime', { timeZone: 'Europe/Berlin' });
    const tokyo = field('dateTime', { timeZone: 'Asia/Tokyo' });
    it("date → dateTime is midnight in the target's time zone", () => {
      expect(convertCell('2024-01-05', field('date'), berlin)).toEqual({ ok: true, value: '2024-01-04T23:00:00.000Z' });
      expect(convertCell('2024-07-05', field('date'), berlin)).toEqual({ ok: true, value: '2024-07-04T22:00:00.000Z' });
    });
    it("dateTime → date is the calendar date in the source's time zone", () => {
      expect(convertCell('2024-01-05T23:30:00.000Z', berlin, field('date'))).toEqual({ ok: true, value: '2024-01-06' });
      expect(convertCell('2024-01-05T23:30:00.000Z', field('dateTime'), field('date'))).toEqual({ ok: true, value: '2024-01-05' });
      expect(convertCell('2024-01-05T16:00:00.000Z', field('createdTime', { timeZone: 'Asia/Tokyo' }), field('date'))).toEqual({
        ok: true,
        value: '2024-01-06',
      });
    });
    it('an instant keeps its instant across time zones and from computed times', () => {
      expect(convertCell('2024-01-05T23:30:00.000Z', berlin, tokyo)).toEqual({ ok: true, value: '2024-01-05T23:30:00.000Z' });
      expect(convertCell('2024-01-05T10:00:00.000Z', field('lastModifiedTime'), tokyo)).toEqual({ ok: true, value: '2024-01-05T10:00:00.000Z' });
    });
    it("text → dateTime reads the text in the target's time zone", () => {
      expect(convertCell('2024-01-05 09:00', field('singleLineText'), tokyo)).toEqual({ ok: true, value: '2024-01-05T00:00:00.000Z' });
    });
  });

  describe('json', () => {
    it('anything → json is the value as the API shows it', () => {
      expect(convertCell([red.id, green.id], field('multipleSelect', { choices: [red, green] }), field('json'))).toEqual({ ok: true, value: ['Red', 'Green'] });
      expect(convertCell(red.id, field('singleSelect', { choices: [red] }), field('json'))).toEqual({ ok: true, value: 'Red' });
      expect(convertCell(true, field('checkbox'), field('json'))).toEqual({ ok: true, value: true });
      expect(convertCell(0.5, field('percent'), field('json'))).toEqual({ ok: true, value: 0.5 });
      expect(convertCell('2024-01-05T10:00:00.000Z', field('dateTime'), field('json'))).toEqual({ ok: true, value: '2024-01-05T10:00:00.000Z' });
      expect(convertCell('hi', field('singleLineText'), field('json'))).toEqual({ ok: true, value: 'hi' });
      const ref = { id: 'attA000000000000', name: 'a.pdf', size: 1, type: 'application/pdf' };
      expect(convertCell([ref], field('attachment'), field('json'))).toEqual({ ok: true, value: [ref] });
    });
    it('json → text is JSON text, except that a JSON string is its own text', () => {
      expect(convertCell({ a: [1, 2] }, field('json'), field('singleLineText'))).toEqual({ ok: true, value: '{"a":[1,2]}' });
      expect(convertCell({ a: 1 }, field('json'), field('longText'))).toEqual({ ok: true, value: '{\n  "a": 1\n}' });
      expect(convertCell('plain', field('json'), field('singleLineText'))).toEqual({ ok: true, value: 'plain' });
    });
    it('json → other types reads strings as text and other values as API input', () => {
      expect(convertCell('2024-01-05', field('json'), field('date'))).toEqual({ ok: true, value: '2024-01-05' });
      expect(convertCell(0.25, field('json'), field('percent'))).toEqual({ ok: true, value: 0.25 });
      expect(convertCell(['Red'], field('json'), field('multipleSelect', { choices: [red] }))).toEqual({ ok: true, value: [red.id] });
      expect(convertCell({ a: 1 }, field('json'), field('number'))).toEqual({ ok: false, message: `'{"a":1}' is not a number` });
    });
  });

  it('attachments show their names as text but text cannot become attachments', () => {
    const ref = { id: 'attA000000000000', name: 'a.pdf', size: 1, type: 'application/pdf' };
    expect(convertCell([ref], field('attachment'), field('singleLineText'))).toEqual({ ok: true, value: 'a.pdf' });
    expect(convertCell('a.pdf', field('singleLineText'), field('attachment'))).toEqual({ ok: false, message: "attachments can't be set from text" });
  });

  it('a computed target holds no cells, so every cell becomes empty', () => {
    expect(convertCell('hello', field('singleLineText'), field('autonumber'))).toEqual({ ok: true, value: null });
    expect(convertCell('2024-01-05T10:00:00.000Z', field('dateTime'), field('createdTime'))).toEqual({ ok: true, value: null });
  });
});

describe('choicesForConversion', () => {
  it('adds a choice for each distinct new name, with fresh ids and colours continuing the cycle', () => {
    const result = choicesForConversion(['Red', 'Blue', ' Blue ', 'Amber', ''], [red, green]);
    expect(result.slice(0, 2)).toEqual([red, green]);
    expect(result.slice(2).map((c) => c.name)).toEqual(['Blue', 'Amber']);
    expect(result[2]?.color).toBe(SELECT_COLORS[2]);
    expect(result[3]?.color).toBe(SELECT_COLORS[3]);
    for (const c of result.slice(2)) expect(isId(c.id, 'sel')).toBe(true);
  });
  it('finds existing choices as select lookups do, so "red" does not duplicate "Red"', () => {
    expect(choicesForConversion(['red', 'GREEN'], [red, green])).toEqual([red, green]);
  });
  it('skips names over 200 characters and stops at 1000 choices', () => {
    expect(choicesForConversion(['x'.repeat(201)], [])).toEqual([]);
    const many = Array.from({ length: 1200 }, (_, i) => `n${i}`);
    expect(choicesForConversion(many, [])).toHaveLength(1000);
  });
  it('names for a single select are the whole text, for a multiple select the split names', () => {
    const text = field('singleLineText');
    expect(conversionChoiceNames(' A, B ', text, 'singleSelect')).toEqual(['A, B']);
    expect(conversionChoiceNames('["A, B","C"]', text, 'multipleSelect')).toEqual(['A, B', 'C']);
    expect(conversionChoiceNames([red.id, green.id], field('multipleSelect', { choices: [red, green] }), 'singleSelect')).toEqual(['Red']);
    expect(conversionChoiceNames(null, text, 'multipleSelect')).toEqual([]);
  });
});
