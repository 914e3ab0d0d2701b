/**
 * Zod schemas for field options, used only where options are set (never per cell). Every option is
 * optional on input and filled with its default; unknown keys are dropped. A failure message names
 * the option: "precision: must be a whole number from 0 to 8".
 */
import { z } from 'zod';
import { canonicalTimeZone } from './time-zone.util';
import { MAX_CHOICES } from './select-choices.util';

export type OptionsResult<T> = { ok: true; value: T } | { ok: false; message: string };

const precision = (byDefault: number) =>
  z
    .number({ error: 'must be a whole number from 0 to 8' })
    .int({ error: 'must be a whole number from 0 to 8' })
    .min(0, { error: 'must be a whole number from 0 to 8' })
    .max(8, { error: 'must be a whole number from 0 to 8' })
    .default(byDefault);

const oneOf = <const T extends readonly [string, ...string[]]>(values: T, byDefault: T[number]) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(byDefault);

const dateFormat = oneOf(['iso', 'us', 'european', 'friendly'] as const, 'iso');
const timeFormat = oneOf(['24h', '12h'] as const, '24h');

/** Canonicalized, so 'europe/berlin' is stored as 'Europe/Berlin' and formatters are shared. */
const timeZone = z
  .string({ error: 'must be an IANA time zone such as Europe/Berlin' })
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: `'${zone.slice(0, 40)}' is not an IANA time zone (e.g. Europe/Berlin, UTC)` });
      return z.NEVER;
    }
    return canonical;
  })
  .default('UTC');

/** A symbol must not be confusable with the number it precedes. */
const SYMBOL_FORBIDDEN_RE = /[\d+\-(),\u2212]/;

export const emptyOptionsSchema = z.object({});
export const numberOptionsSchema = z.object({ precision: precision(0) });
export const currencyOptionsSchema = z.object({
  precision: precision(2),
  symbol: z
    .string({ error: 'must be text of 1 to 5 characters' })
    .trim()
    .min(1, { error: 'must be text of 1 to 5 characters' })
    .max(5, { error: 'must be text of 1 to 5 characters' })
    .refine((symbol) => !SYMBOL_FORBIDDEN_RE.test(symbol), { error: 'must not contain digits, signs, commas or parentheses' })
    .default('$'),
});
export const percentOptionsSchema = z.object({ precision: precision(0) });
export const dateOptionsSchema = z.object({ dateFormat });
export const dateTimeOptionsSchema = z.object({ dateFormat, timeFormat, timeZone });
export const durationOptionsSchema = z.object({
  durationFormat: oneOf(['h:mm', 'h:mm:ss', 'h:mm:ss.s', 'h:mm:ss.ss', 'h:mm:ss.sss'] as const, 'h:mm'),
});
export const ratingOptionsSchema = z.object({
  max: z
    .number({ error: 'must be a whole number from 1 to 10' })
    .int({ error: 'must be a whole number from 1 to 10' })
    .min(1, { error: 'must be a whole number from 1 to 10' })
    .max(10, { error: 'must be a whole number from 1 to 10' })
    .default(5),
});
/** Choice names, ids and colours are checked further by `normalizeChoiceList`. */
export const selectOptionsSchema = z.object({
  choices: z
    .array(
      z.union(
        [
          z.string(),
          z.object({
            id: z.string().optional(),
            name: z.string({ error: 'each option needs a name' }),
            color: z.string().optional(),
          }),
        ],
        { error: 'must be a name or { id?, name, color? }' },
      ),
      { error: 'must be a list of options' },
    )
    .max(MAX_CHOICES, { error: `at most ${MAX_CHOICES} options` })
    .default([]),
});
export const lastModifiedOptionsSchema = z.object({
  dateFormat,
  timeFormat,
  timeZone,
  fields: z
    .array(z.string({ error: 'must be a field id' }).min(1, { error: 'must be a field id' }), { error: 'must be a list of field ids' })
    .max(MAX_CHOICES, { error: 'too many fields' })
    .default([])
    .transform((ids) => [...new Set(ids)]),
});

/** Runs a schema over API input (`undefined`/`null` mean "all defaults"). */
export function parseOptions<T>(schema: z.ZodType<T>, input: unknown): OptionsResult<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  if (!issue) return { ok: false, message: 'options are invalid' };
  if (issue.path.length === 0) return { ok: false, message: 'options must be an object' };
  const where = issue.path
    .map((key, i) => (typeof key === 'number' ? ` item ${key + 1}` : i === 0 ? String(key) : ` ${String(key)}`))
    .join('');
  return { ok: false, message: `${where}: ${issue.message}` };
}
