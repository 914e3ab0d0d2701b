/** Text of field values as the grid and the record panel show them, and a select field's choices. */
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { AttachmentRef, CellValue, FieldSchema, SelectChoice } from '../../src-shared/schema/schema.types';

export function choicesOf(field: FieldSchema): SelectChoice[] {
  return ((field.options as { choices?: SelectChoice[] }).choices ?? []) as SelectChoice[];
}

/** Display text of a value in its JSON form (what queries return). */
export function displayText(field: FieldSchema, value: CellValue | null | undefined): string {
  if (value === undefined || value === null) return '';
  const def = getFieldType(field.type);
  switch (field.type) {
    case 'singleSelect':
      return String(value);
    case 'multipleSelect':
      return Array.isArray(value) ? value.join(', ') : String(value);
    case 'attachment':
      return Array.isArray(value) ? (value as AttachmentRef[]).map((a) => a.name).join(', ') : '';
    case 'json':
      return JSON.stringify(value);
    default:
      try {
        return def.format(value, field.options) || String(value);
      } catch {
        return String(value);
      }
  }
}

