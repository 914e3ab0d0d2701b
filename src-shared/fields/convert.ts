/**
 * Changing a field's type: what each cell becomes. The default is to show the value with the old
 * type and read that text with the new one (`format` then `parse`); the cases where that would lose
 * meaning are handled first (contract, in order):
 * - empty stays empty; a computed target holds no cells, so every cell becomes empty.
 * - → json: the value's API JSON form (selects as names, checkbox as true, times as ISO, refs as-is).
 * - select → select: by choice NAME in the target's choices (single → multi keeps the choice,
 *   multi → single keeps the first). A name the target lacks is a failure: call
 *   `choicesForConversion` first to add them.
 * - number-like → number-like (number, currency, percent, duration, rating, autonumber): the number
 *   is kept, percent counted in percent units: number 50 ↔ percent 0.5 (50 %); duration is seconds;
 *   rating rounds to a whole number and fails above its max.
 * - checkbox → number-like: checked is 1 (100 % for percent). number-like → checkbox: non-zero is checked.
 * - → checkbox otherwise: the text read as a checkbox word; any other non-empty text is checked.
 * - date/time → date: the calendar date in the source's time zone; date → dateTime: midnight in the
 *   target's time zone; instant → dateTime: the same instant.
 * - json → text: a JSON string is its own text, anything else compact JSON (pretty-printed for
 *   longText); json → other types: strings are read as text, other values as API input.
 * Failures are values (`ok: false`); the caller decides whether to clear the cell or stop.
 */
import type { CellValue, FieldSchema, FieldType, SelectChoice } from '../schema/schema.types';
import type { Normalized } from './field-type';
import { empty, valid } from './field-result.util';
import { getFieldType } from './field-registry';
import { choiceById, choiceByName, colorAt, MAX_CHOICE_NAME, MAX_CHOICES, splitChoiceText } from './select-choices.util';
import { isoDate, readStoredDate } from './civil-date.util';
import { dateInZone, isoInstant, readStoredInstant } from './date-time-text.util';
import { utcFromFields, wallToUtc } from './time-zone.util';
import { shiftNumber } from './number-text.util';
import { newId } from '../ids';

const NUMBER_LIKE = new Set<FieldType>(['number', 'currency', 'percent', 'duration', 'rating', 'autonumber']);
const INSTANT_TYPES = new Set<FieldType>(['dateTime', 'createdTime', 'lastModifiedTime']);
const SELECT_TYPES = new Set<FieldType>(['singleSelect', 'multipleSelect']);

/** The value as the API's JSON output shows it (the projection round trip defines that form). */
function apiForm(value: CellValue, field: FieldSchema): CellValue | null {
  const def = getFieldType(field.type);
  return def.fromSql(def.toSql(value, field.options), field.options);
}

function selectedNames(value: CellValue, field: FieldSchema): string[] {
  const choices = 'choices' in field.options ? field.options.choices : [];
  const ids = Array.isArray(value) ? value : [value];
  const names: string[] = [];
  for (const id of ids) {
    const choice = typeof id === 'string' ? choiceById(choices, id) : undefined;
    if (choice) names.push(choice.name);
  }
  return names;
}

/** The number a number-like value stands for, percent in percent units (0.5 → 50). */
function plainNumber(value: CellValue, from: FieldSchema): number | null {
  if (from.type === 'checkbox') return value === true ? 1 : null;
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  return from.type === 'percent' ? shiftNumber(value, 2) : value;
}

function intoNumberLike(n: number, from: FieldSchema, to: FieldSchema): Normalized {
  const def = getFieldType(to.type);
  switch (to.type) {
    case 'percent':
      return valid(from.type === 'checkbox' ? 1 : shiftNumber(n, -2));
    case 'rating':
      return def.normalize(Math.round(n), to.options);
    default:
      return def.normalize(n, to.options);
  }
}

function intoDate(value: CellValue, from: FieldSchema): Normalized | null {
  if (from.type === 'date') return typeof value === 'string' && readStoredDate(value) ? valid(value) : null;
  const ms = INSTANT_TYPES.has(from.type) ? readStoredInstant(value) : null;
  if (ms === null || !('timeZone' in from.options)) return null;
  return valid(isoDate(dateInZone(ms, from.options.timeZone)));
}

function intoDateTime(value: CellValue, from: FieldSchema, to: FieldSchema<'dateTime'>): Normalized | null {
  if (INSTANT_TYPES.has(from.type)) return readStoredInstant(value) === null ? null : valid(value);
  const date = from.type === 'date' && typeof value === 'string' ? readStoredDate(value) : null;
  if (!date) return null;
  return valid(isoInstant(wallToUtc(utcFromFields(date.year, date.month, date.day), to.options.timeZone)));
}

function fromJson(value: CellValue, to: FieldSchema): Normalized {
  const def = getFieldType(to.type);
  if (typeof value === 'string') return def.parse(value, to.options);
  if (to.type === 'singleLineText') return def.parse(JSON.stringify(value), to.options);
  if (to.type === 'longText') return def.parse(JSON.stringify(value, null, 2), to.options);
  return def.normalize(value, to.options);
}

/** What a cell of field `from` becomes in field `to` (see the file comment). */
export function convertCell(value: CellValue | null, from: FieldSchema, to: FieldSchema): Normalized {
  if (value === null || value === undefined) return empty();
  const fromDef = getFieldType(from.type);
  const toDef = getFieldType(to.type);
  if (toDef.computed) return empty();
  if (to.type === 'json') return toDef.normalize(apiForm(value, from), to.options);
  if (SELECT_TYPES.has(from.type) && SELECT_TYPES.has(to.type)) {
    const names = selectedNames(value, from);
    return toDef.normalize(to.type === 'singleSelect' ? (names[0] ?? null) : names, to.options);
  }
  if (from.type === 'json') return fromJson(value, to);
  if (from.type === to.type) return toDef.normalize(value, to.options);
  if (NUMBER_LIKE.has(to.type) && (NUMBER_LIKE.has(from.type) || from.type === 'checkbox')) {
    const n = plainNumber(value, from);
    if (n !== null) return intoNumberLike(n, from, to);
  }
  if (to.type === 'checkbox') {
    if (NUMBER_LIKE.has(from.type)) return typeof value === 'number' && value !== 0 ? valid(true) : empty();
    const text = fromDef.format(value, from.options);
    if (text.trim() === '') return empty();
    const read = toDef.parse(text, to.options);
    return read.ok ? read : valid(true);
  }
  if (to.type === 'date') {
    const date = intoDate(value, from);
    if (date) return date;
  }
  if (to.type === 'dateTime') {
    const instant = intoDateTime(value, from, to as FieldSchema<'dateTime'>);
    if (instant) return instant;
  }
  return toDef.parse(fromDef.format(value, from.options), to.options);
}

/**
 * The choice names converting this cell into a select field of type `toType` will look up, so the
 * caller can create them with `choicesForConversion` before converting. Text is split like
 * multi-select text (a JSON array of names, or commas) for a multi-select target.
 */
export function conversionChoiceNames(value: CellValue | null, from: FieldSchema, toType: 'singleSelect' | 'multipleSelect'): string[] {
  if (value === null || value === undefined) return [];
  let names: string[];
  if (SELECT_TYPES.has(from.type)) names = selectedNames(value, from);
  else {
    const text = from.type === 'json' && typeof value === 'string' ? value : getFieldType(from.type).format(value, from.options);
    names = toType === 'multipleSelect' ? splitChoiceText(text) : [text.trim()];
  }
  names = names.filter((n) => n !== '');
  return toType === 'singleSelect' ? names.slice(0, 1) : names;
}

/**
 * `existing` plus a new choice for every distinct name in `values` that no existing choice answers
 * to (lookup as in select fields, so 'red' finds 'Red'). New choices get fresh ids and colours
 * continuing the cycle. Blank names and names over 200 characters are skipped, and the list stops
 * growing at 1000 choices; cells naming a skipped choice then fail to convert, with a message.
 */
export function choicesForConversion(values: string[], existing: SelectChoice[]): SelectChoice[] {
  const out = [...existing];
  const added = new Set<string>();
  for (const raw of values) {
    if (out.length >= MAX_CHOICES) break;
    const name = raw.trim();
    if (name === '' || name.length > MAX_CHOICE_NAME || added.has(name) || choiceByName(existing, name)) continue;
    added.add(name);
    out.push({ id: newId('sel'), name, color: colorAt(out.length) });
  }
  return out;
}
