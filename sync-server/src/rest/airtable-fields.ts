/**
 * Airtable's field types and options ↔ ours (src-shared/schema/schema.types.ts). Input options are
 * translated to our option names and then validated by our field registry; output is Airtable's
 * JSON shape for the meta API (`{id, name, type, description?, options?}`).
 *
 * Colors: Airtable has shades ('blueLight2', 'redBright'); we keep the hue ('blue', 'red'), and
 * answer with the 'Light2' shade. Airtable's cyan is our teal; our brown is answered 'orangeDark1'.
 */
import { err, ok, type Result } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import { SELECT_COLORS, type FieldOptions, type FieldSchema, type FieldType, type SelectChoice } from '../../../src-shared/schema/schema.types';

export const AIRTABLE_TYPES = {
  singleLineText: 'singleLineText',
  multilineText: 'longText',
  number: 'number',
  currency: 'currency',
  percent: 'percent',
  checkbox: 'checkbox',
  singleSelect: 'singleSelect',
  multipleSelects: 'multipleSelect',
  date: 'date',
  dateTime: 'dateTime',
  duration: 'duration',
  rating: 'rating',
  email: 'email',
  url: 'url',
  phoneNumber: 'phone',
  multipleAttachments: 'attachment',
  autoNumber: 'autonumber',
  createdTime: 'createdTime',
  lastModifiedTime: 'lastModifiedTime',
} as const satisfies Record<string, FieldType>;

export type AirtableType = keyof typeof AIRTABLE_TYPES;

/** Our type → Airtable's. `json` has no Airtable type: it is shown as multilineText (values as JSON text). */
export function airtableTypeOf(type: FieldType): AirtableType {
  if (type === 'json') return 'multilineText';
  const found = (Object.keys(AIRTABLE_TYPES) as AirtableType[]).find((k) => AIRTABLE_TYPES[k] === type);
  if (!found) throw new Error(`No Airtable type for ${type}`);
  return found;
}

export function isAirtableType(t: unknown): t is AirtableType {
  return typeof t === 'string' && Object.hasOwn(AIRTABLE_TYPES, t);
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});

const DATE_FORMATS: Record<string, string> = { iso: 'YYYY-MM-DD', us: 'M/D/YYYY', european: 'D/M/YYYY', friendly: 'LL', local: 'l' };

function dateFormatIn(v: unknown): string | undefined {
  const name = obj(v).name;
  if (name === 'local') return 'iso';
  return typeof name === 'string' ? name : undefined;
}
function timeFormatIn(v: unknown): string | undefined {
  const name = obj(v).name;
  return name === '12hour' ? '12h' : name === '24hour' ? '24h' : undefined;
}

export function colorIn(c: unknown): string | undefined {
  if (typeof c !== 'string') return undefined;
  const hue = c.replace(/(Light1|Light2|Bright|Dark1)$/, '');
  if (hue === 'cyan') return 'teal';
  return (SELECT_COLORS as readonly string[]).includes(hue) ? hue : undefined;
}
const colorOut = (c: string): string => (c === 'brown' ? 'orangeDark1' : `${c}Light2`);

function defined(o: Obj): Obj {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Airtable options → our option input (validated afterwards by the registry). */
function optionsIn(type: AirtableType, raw: unknown): Obj {
  const o = obj(raw);
  switch (type) {
    case 'number':
    case 'percent':
      return defined({ precision: o.precision });
    case 'currency':
      return defined({ precision: o.precision, symbol: o.symbol });
    case 'singleSelect':
    case 'multipleSelects': {
      const choices = Array.isArray(o.choices) ? o.choices : [];
      return { choices: choices.map((c: unknown) => (typeof c === 'string' ? c : defined({ id: obj(c).id, name: obj(c).name, color: colorIn(obj(c).color) }))) };
    }
    case 'date':
      return defined({ dateFormat: dateFormatIn(o.dateFormat) });
    case 'dateTime':
      return defined({ dateFormat: dateFormatIn(o.dateFormat), timeFormat: timeFormatIn(o.timeFormat), timeZone: o.timeZone === 'client' ? undefined : o.timeZone });
    case 'duration':
      return defined({ durationFormat: o.durationFormat });
    case 'rating':
      return defined({ max: o.max });
    case 'createdTime':
    case 'lastModifiedTime': {
      const r = obj(obj(o.result).options);
      return defined({ dateFormat: dateFormatIn(r.dateFormat), timeFormat: timeFormatIn(r.timeFormat), timeZone: r.timeZone === 'client' ? undefined : r.timeZone });
    }
    case 'singleLineText':
    case 'multilineText':
    case 'checkbox':
    case 'email':
    case 'url':
    case 'phoneNumber':
    case 'multipleAttachments':
    case 'autoNumber':
      return {};
    default: {
      const never: never = type;
      throw new Error(`Unhandled Airtable type ${String(never)}`);
    }
  }
}

export interface FieldInput {
  name: string;
  type: string;
  description?: string | undefined;
  options?: unknown;
}

/** An Airtable field definition as our type and validated options; a message naming the problem otherwise. */
export function fieldFromAirtable(input: FieldInput): Result<{ type: FieldType; options: FieldOptions }, string> {
  if (!isAirtableType(input.type)) {
    return err(`Field '${input.name}': unsupported field type '${String(input.type).slice(0, 40)}'; supported: ${Object.keys(AIRTABLE_TYPES).join(', ')}.`);
  }
  const type = AIRTABLE_TYPES[input.type];
  const normalized = getFieldType(type).normalizeOptions(optionsIn(input.type, input.options));
  if (!normalized.ok) return err(`Field '${input.name}': ${normalized.message}.`);
  return ok({ type, options: normalized.value as FieldOptions });
}

const dateFormatOut = (f: string) => ({ name: f, format: DATE_FORMATS[f] ?? 'YYYY-MM-DD' });
const timeFormatOut = (f: string) => (f === '12h' ? { name: '12hour', format: 'h:mma' } : { name: '24hour', format: 'HH:mm' });
const choicesOut = (choices: SelectChoice[]) => ({ choices: choices.map((c) => ({ id: c.id, name: c.name, color: colorOut(c.color) })) });

/** Our options in Airtable's shape, or undefined for types Airtable gives no options. */
function optionsOut(field: FieldSchema): Obj | undefined {
  const f = field as { [K in FieldType]: FieldSchema<K> }[FieldType];
  switch (f.type) {
    case 'number':
    case 'percent':
      return { precision: f.options.precision };
    case 'currency':
      return { precision: f.options.precision, symbol: f.options.symbol };
    case 'singleSelect':
    case 'multipleSelect':
      return choicesOut(f.options.choices);
    case 'date':
      return { dateFormat: dateFormatOut(f.options.dateFormat) };
    case 'dateTime':
      return { dateFormat: dateFormatOut(f.options.dateFormat), timeFormat: timeFormatOut(f.options.timeFormat), timeZone: f.options.timeZone };
    case 'duration':
      return { durationFormat: f.options.durationFormat };
    case 'rating':
      return { max: f.options.max, icon: 'star', color: 'yellowBright' };
    case 'checkbox':
      return { icon: 'check', color: 'greenBright' };
    case 'attachment':
      return { isReversed: false };
    case 'createdTime':
    case 'lastModifiedTime': {
      const result = { type: 'dateTime', options: { dateFormat: dateFormatOut(f.options.dateFormat), timeFormat: timeFormatOut(f.options.timeFormat), timeZone: f.options.timeZone } };
      return f.type === 'lastModifiedTime' ? { isValid: true, referencedFieldIds: f.options.fields, result } : { result };
    }
    case 'singleLineText':
    case 'longText':
    case 'url':
    case 'email':
    case 'phone':
    case 'autonumber':
    case 'json':
      return undefined;
    default: {
      const never: never = f;
      throw new Error(`Unhandled field type ${JSON.stringify(never)}`);
    }
  }
}

/** A field in the meta API's shape. */
export function fieldToAirtable(field: FieldSchema): Obj {
  const options = optionsOut(field);
  return defined({ id: field.id, name: field.name, type: airtableTypeOf(field.type), description: field.description || undefined, options });
}
