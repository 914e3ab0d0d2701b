/**
 * Small helpers every field type uses to build `Normalized` results and short failure messages.
 * Messages quote at most ~40 characters of the offending value: they end up in import reports and
 * logs, which must never carry a whole cell's contents.
 */
import type { CellValue } from '../schema/schema.types';
import type { Normalized } from './field-type';

const EMPTY: Normalized = Object.freeze({ ok: true, value: null }) as Normalized;
const MAX_QUOTE = 40;

export const empty = (): Normalized => EMPTY;
export const valid = (value: CellValue | null): Normalized => ({ ok: true, value });
export const invalid = (message: string): Normalized => ({ ok: false, message });

/** `null`, `undefined` and '' are an empty cell for every type. */
export function isBlank(input: unknown): input is null | undefined | '' {
  return input === null || input === undefined || input === '';
}

/** The value as it appears in a message: quoted and cut to ~40 characters. */
export function quote(input: unknown): string {
  let text: string;
  if (typeof input === 'string') text = input;
  else if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') text = String(input);
  else if (input === null || input === undefined) text = String(input);
  else if (typeof input === 'function' || typeof input === 'symbol') text = typeof input;
  else {
    try {
      text = JSON.stringify(input) ?? typeof input;
    } catch {
      text = Array.isArray(input) ? 'a list' : 'an object';
    }
  }
  if (text.length > MAX_QUOTE) text = `${text.slice(0, MAX_QUOTE - 1)}…`;
  return `'${text}'`;
}

/** A list of names for a message, cut after a few so the message stays short. */
export function nameList(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => (n.length > MAX_QUOTE ? `${n.slice(0, MAX_QUOTE - 1)}…` : n));
  return names.length > max ? `${shown.join(', ')}, … (${names.length} in all)` : shown.join(', ');
}
