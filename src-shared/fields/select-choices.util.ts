/**
 * Select choices: finding a choice from what people and APIs send, and validating a choice list.
 *
 * Lookup contract (per cell, so indexes are built once per choices array and cached; schema
 * snapshots are immutable, so a choices array never changes after it is indexed):
 * - by id: exact.
 * - by name: exact first, then trimmed, then case-insensitive when exactly one choice folds to it
 *   ("red" finds "Red" unless "RED" also exists).
 */
import { SELECT_COLORS, type SelectChoice, type SelectColor } from '../schema/schema.types';
import { newId } from '../ids';
import { nameList } from './field-result.util';

export const MAX_CHOICES = 1000;
export const MAX_CHOICE_NAME = 200;

interface ChoiceIndex {
  byId: Map<string, SelectChoice>;
  byName: Map<string, SelectChoice>;
  /** Lower-cased name → the single choice with it, or null when several fold to it. */
  byFolded: Map<string, SelectChoice | null>;
  /** The most commas in any name: how many comma-separated pieces one name can span, less one. */
  maxCommas: number;
}

const indexes = new WeakMap<readonly SelectChoice[], ChoiceIndex>();

function indexOf(choices: readonly SelectChoice[]): ChoiceIndex {
  let index = indexes.get(choices);
  if (!index) {
    index = { byId: new Map(), byName: new Map(), byFolded: new Map(), maxCommas: 0 };
    for (const choice of choices) {
      index.byId.set(choice.id, choice);
      index.byName.set(choice.name, choice);
      const folded = choice.name.toLowerCase();
      index.byFolded.set(folded, index.byFolded.has(folded) ? null : choice);
      const commas = choice.name.split(',').length - 1;
      if (commas > index.maxCommas) index.maxCommas = commas;
    }
    indexes.set(choices, index);
  }
  return index;
}

export function choiceById(choices: readonly SelectChoice[], id: string): SelectChoice | undefined {
  return indexOf(choices).byId.get(id);
}

export function choiceByName(choices: readonly SelectChoice[], name: string): SelectChoice | undefined {
  const index = indexOf(choices);
  const exact = index.byName.get(name);
  if (exact) return exact;
  const trimmed = name.trim();
  return index.byName.get(trimmed) ?? index.byFolded.get(trimmed.toLowerCase()) ?? undefined;
}

/** A choice from a reference that may be an id or a name; ids win (they cannot be renamed). */
export function choiceByRef(choices: readonly SelectChoice[], ref: string): SelectChoice | undefined {
  return indexOf(choices).byId.get(ref) ?? choiceByName(choices, ref);
}

/** The most commas any choice name contains (0 when none does). */
export function maxCommasInNames(choices: readonly SelectChoice[]): number {
  return indexOf(choices).maxCommas;
}

/** A JSON array of names (`["A","B"]`) when the text is one, else null. */
export function jsonNameList(text: string): string[] | null {
  if (!text.startsWith('[')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return null;
  }
  return Array.isArray(parsed) && parsed.every((item) => typeof item === 'string') ? parsed : null;
}

/**
 * The names in multi-select text without knowing the choices (used to create choices before a
 * conversion): a JSON array of names, or comma-separated names, trimmed, blanks dropped.
 */
export function splitChoiceText(text: string): string[] {
  const s = text.trim();
  const names = jsonNameList(s) ?? s.split(',');
  return names.map((n) => n.trim()).filter((n) => n !== '');
}

export function notAnOption(shown: string, choices: readonly SelectChoice[]): string {
  if (choices.length === 0) return `${shown} is not an option (the field has no options yet)`;
  return `${shown} is not an option (options: ${nameList(choices.map((c) => c.name))})`;
}

export function colorAt(index: number): SelectColor {
  return SELECT_COLORS[index % SELECT_COLORS.length] ?? 'gray';
}

const COLORS = new Set<string>(SELECT_COLORS);

/** A choice as the API may send it: a bare name, or an object with optional id and colour. */
export type ChoiceInput = string | { id?: string | undefined; name: string; color?: string | undefined };

/**
 * Validates a choice list: names trimmed, non-empty, at most 200 characters and unique
 * (case-sensitive); ids kept when given (unique) or generated; colours kept or cycled by position.
 */
export function normalizeChoiceList(
  input: readonly ChoiceInput[],
): { ok: true; value: SelectChoice[] } | { ok: false; message: string } {
  if (input.length > MAX_CHOICES) return { ok: false, message: `choices: at most ${MAX_CHOICES} options` };
  const names = new Set<string>();
  const ids = new Set<string>();
  const out: SelectChoice[] = [];
  for (const [i, item] of input.entries()) {
    const raw = typeof item === 'string' ? { name: item } : item;
    const name = raw.name.trim();
    if (name === '') return { ok: false, message: `choices: option ${i + 1} has an empty name` };
    if (name.length > MAX_CHOICE_NAME) return { ok: false, message: `choices: option ${i + 1} is longer than ${MAX_CHOICE_NAME} characters` };
    if (names.has(name)) return { ok: false, message: `choices: '${name.slice(0, 40)}' appears twice` };
    const id = raw.id === undefined || raw.id === '' ? newId('sel') : raw.id;
    if (ids.has(id)) return { ok: false, message: `choices: id '${id.slice(0, 40)}' appears twice` };
    const color = raw.color === undefined ? colorAt(i) : raw.color;
    if (!COLORS.has(color)) return { ok: false, message: `choices: '${color.slice(0, 40)}' is not a colour (use ${SELECT_COLORS.join(', ')})` };
    names.add(name);
    ids.add(id);
    out.push({ id, name, color: color as SelectColor });
  }
  return { ok: true, value: out };
}
