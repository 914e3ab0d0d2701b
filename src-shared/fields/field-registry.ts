/**
 * The field-type registry: one definition per FieldType. A type missing here is a compile error.
 */
import type { FieldType } from '../schema/schema.types';
import type { FieldTypeDef } from './field-type';
import { emailField, longTextField, phoneField, singleLineTextField, urlField } from './text-fields';
import { currencyField, numberField, percentField, ratingField } from './number-fields';
import { dateField, dateTimeField, durationField } from './date-fields';
import { multipleSelectField, singleSelectField } from './select-fields';
import { attachmentField, checkboxField, jsonField } from './misc-fields';
import { autonumberField, createdTimeField, lastModifiedTimeField } from './computed-fields';

export type FieldTypeDefs = { readonly [T in FieldType]: FieldTypeDef<T> };

export const FIELD_TYPE_DEFS = {
  singleLineText: singleLineTextField,
  longText: longTextField,
  number: numberField,
  currency: currencyField,
  percent: percentField,
  date: dateField,
  dateTime: dateTimeField,
  duration: durationField,
  checkbox: checkboxField,
  singleSelect: singleSelectField,
  multipleSelect: multipleSelectField,
  rating: ratingField,
  url: urlField,
  email: emailField,
  phone: phoneField,
  attachment: attachmentField,
  autonumber: autonumberField,
  createdTime: createdTimeField,
  lastModifiedTime: lastModifiedTimeField,
  json: jsonField,
} as const satisfies FieldTypeDefs;

/** The definition of a field type. An unknown type is a bug (types are validated where schemas enter), so it throws. */
export function getFieldType<T extends FieldType>(type: T): FieldTypeDef<T> {
  const defs: FieldTypeDefs = FIELD_TYPE_DEFS;
  const def = Object.hasOwn(defs, type) ? defs[type] : undefined;
  if (!def) throw new Error(`Unknown field type: ${String(type).slice(0, 40)}`);
  return def;
}
