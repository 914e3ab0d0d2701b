/**
 * Turns CSV rows into record values: each column parsed by its target field's type. Shared by the
 * in-process import and the import worker, so both accept and reject exactly the same input.
 */
import { EngineError } from '../../../src-shared/errors';
import { getFieldType } from '../../../src-shared/fields/field-registry';
import type { FieldTypeDef } from '../../../src-shared/fields/field-type';
import type { CellValue, FieldSchema } from '../../../src-shared/schema/schema.types';

/** One CSV column's target: the field its values go to (null: skipped), and the column's name for errors. */
export interface ColumnTarget {
  name: string;
  field: Pick<FieldSchema, 'id' | 'type' | 'options'> | null;
}

export type RowParser = (row: readonly string[], rowNumber: number) => Record<string, CellValue | null>;

export function rowParser(targets: readonly ColumnTarget[]): RowParser {
  const defs: Array<FieldTypeDef | null> = targets.map((t) => (t.field ? getFieldType(t.field.type) : null));
  return (row, rowNumber) => {
    const v: Record<string, CellValue | null> = {};
    for (let j = 0; j < targets.length; j++) {
      const field = targets[j]!.field;
      const text = row[j]!;
      if (!field || text === '') continue;
      const r = defs[j]!.parse(text, field.options);
      if (!r.ok) {
        throw new EngineError('INVALID_VALUE', `Row ${rowNumber}, column '${targets[j]!.name}': ${r.message}. Nothing was imported.`, {
          row: rowNumber,
          column: targets[j]!.name,
        });
      }
      if (r.value !== null) v[field.id] = r.value;
    }
    return v;
  };
}
