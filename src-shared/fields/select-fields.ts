/**
 * Select field types. Cells store choice ids (stable across renames); the projection and the API's
 * JSON output use choice names.
 *
 * Contracts:
 * - API input: a choice id or name (see `choiceByRef`), or `{ id }` / `{ name }`; a multi-select
 *   takes a list of those, or text as below. Duplicates are dropped, order is kept; [] is empty.
 * - Text: a choice name (then an id); multi-select text is a JSON array of names or names separated
 *   by commas. When some option's name contains a comma, the longest run of comma-separated pieces
 *   that names an option wins ("Smith, John, Doe" with option "Smith, John" → that option + "Doe").
 * - format: names; a multi-select whose names contain a comma or start with '[' is written as a JSON
 *   array so it reads back exactly. Ids no longer among the options show nothing and project to null.
 * - Options never grow here: an unknown name is a failure (conversions add choices first, see convert.ts).
 */
import type { CellValue, FieldOptions, SelectChoice } from '../schema/schema.types';
import type { FieldTypeDef, Normalized, SqlValue } from './field-type';
import { empty, invalid, isBlank, quote, valid } from './field-result.util';
import { parseOptions, selectOptionsSchema, type OptionsResult } from './field-options.schema';
import { MULTI_SELECT_OPS, SINGLE_SELECT_OPS } from './filter-ops.util';
import {
  choiceById,
  choiceByName,
  choiceByRef,
  maxCommasInNames,
  jsonNameList,
  normalizeChoiceList,
  notAnOption,
} from './select-choices.util';

type SelectType = 'singleSelect' | 'multipleSelect';

function normalizeSelectOptions<T extends SelectType>(input: unknown): OptionsResult<FieldOptions<T>> {
  const parsed = parseOptions(selectOptionsSchema, input);
  if (!parsed.ok) return parsed;
  const choices = normalizeChoiceList(parsed.value.choices);
  return choices.ok ? { ok: true, value: { choices: choices.value } } : choices;
}

/** A choice from one API reference: an id or name, a number naming a choice, or `{ id }` / `{ name }`. */
function choiceOf(ref: unknown, choices: readonly SelectChoice[]): SelectChoice | undefined {
  if (typeof ref === 'string') return choiceByRef(choices, ref);
  if (typeof ref === 'number' || typeof ref === 'boolean') return choiceByName(choices, String(ref));
  if (typeof ref === 'object' && ref !== null && !Array.isArray(ref)) {
    const { id, name } = ref as { id?: unknown; name?: unknown };
    if (typeof id === 'string') return choiceById(choices, id);
    if (typeof name === 'string') return choiceByName(choices, name);
  }
  return undefined;
}

function nameOf(value: unknown, choices: readonly SelectChoice[]): string | null {
  return typeof value === 'string' ? (choiceById(choices, value)?.name ?? null) : null;
}

function namesOf(value: unknown, choices: readonly SelectChoice[]): string[] {
  if (!Array.isArray(value)) return [];
  const names: string[] = [];
  for (const id of value) {
    const name = nameOf(id, choices);
    if (name !== null) names.push(name);
  }
  return names;
}

function readSingle(text: string, choices: readonly SelectChoice[]): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  const choice = choiceByName(choices, s) ?? choiceById(choices, s);
  return choice ? valid(choice.id) : invalid(notAnOption(quote(s), choices));
}

function formatSingle(value: CellValue | null, options: FieldOptions<'singleSelect'>): string {
  return nameOf(value, options.choices) ?? '';
}

export const singleSelectField: FieldTypeDef<'singleSelect'> = {
  type: 'singleSelect',
  label: 'Single select',
  computed: false,
  defaultOptions: () => ({ choices: [] }),
  normalizeOptions: normalizeSelectOptions<'singleSelect'>,
  normalize(input, options) {
    if (isBlank(input)) return empty();
    if (typeof input === 'string' && input.trim() === '') return empty();
    const choice = choiceOf(input, options.choices);
    return choice ? valid(choice.id) : invalid(notAnOption(quote(input), options.choices));
  },
  parse: (text, options) => readSingle(text, options.choices),
  format: formatSingle,
  sqlType: 'TEXT',
  toSql: (value, options) => nameOf(value, options.choices),
  fromSql: (value) => (typeof value === 'string' && value !== '' ? value : null),
  searchText: formatSingle,
  filterOps: SINGLE_SELECT_OPS,
};

const uniqueIds = (ids: string[]): Normalized => (ids.length === 0 ? empty() : valid([...new Set(ids)]));

/** Comma-separated names, merging pieces when option names contain commas (longest match first). */
function readCommaList(text: string, choices: readonly SelectChoice[]): Normalized {
  const parts = text.split(',');
  const span = maxCommasInNames(choices);
  const ids: string[] = [];
  let i = 0;
  while (i < parts.length) {
    let found: SelectChoice | undefined;
    let next = i + 1;
    if (span > 0) {
      for (let j = Math.min(parts.length, i + span + 1); j > i + 1 && !found; j--) {
        found = choiceByName(choices, parts.slice(i, j).join(','));
        if (found) next = j;
      }
    }
    const part = (parts[i] ?? '').trim();
    if (!found && part !== '') {
      found = choiceByName(choices, part) ?? choiceById(choices, part);
      if (!found) return invalid(notAnOption(quote(part), choices));
    }
    if (found) ids.push(found.id);
    i = next;
  }
  return uniqueIds(ids);
}

function readMultiple(text: string, choices: readonly SelectChoice[]): Normalized {
  const s = text.trim();
  if (s === '') return empty();
  const names = jsonNameList(s);
  if (names === null) return readCommaList(s, choices);
  const ids: string[] = [];
  for (const name of names) {
    if (name.trim() === '') continue;
    const choice = choiceByName(choices, name) ?? choiceById(choices, name);
    if (!choice) return invalid(notAnOption(quote(name), choices));
    ids.push(choice.id);
  }
  return uniqueIds(ids);
}

function formatMultiple(value: CellValue | null, options: FieldOptions<'multipleSelect'>): string {
  const names = namesOf(value, options.choices);
  return names.some((n) => n.includes(',') || n.startsWith('[')) ? JSON.stringify(names) : names.join(', ');
}

export const multipleSelectField: FieldTypeDef<'multipleSelect'> = {
  type: 'multipleSelect',
  label: 'Multiple select',
  computed: false,
  defaultOptions: () => ({ choices: [] }),
  normalizeOptions: normalizeSelectOptions<'multipleSelect'>,
  normalize(input, options) {
    if (isBlank(input)) return empty();
    if (typeof input === 'string') {
      const choice = choiceByRef(options.choices, input);
      return choice ? valid([choice.id]) : readMultiple(input, options.choices);
    }
    if (!Array.isArray(input)) {
      const choice = choiceOf(input, options.choices);
      return choice ? valid([choice.id]) : invalid(notAnOption(quote(input), options.choices));
    }
    const ids: string[] = [];
    for (const ref of input) {
      if (isBlank(ref)) continue;
      const choice = choiceOf(ref, options.choices);
      if (!choice) return invalid(notAnOption(quote(ref), options.choices));
      ids.push(choice.id);
    }
    return uniqueIds(ids);
  },
  parse: (text, options) => readMultiple(text, options.choices),
  format: formatMultiple,
  sqlType: 'TEXT',
  toSql(value, options): SqlValue {
    const names = namesOf(value, options.choices);
    return names.length === 0 ? null : JSON.stringify(names);
  },
  fromSql(value) {
    if (typeof value !== 'string' || value === '') return null;
    const names = jsonNameList(value);
    return names && names.length > 0 ? names : null;
  },
  searchText: (value, options) => namesOf(value, options.choices).join(', '),
  filterOps: MULTI_SELECT_OPS,
};
