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

/** Parses column `j`'s text; throws naming the row and column when the text does not fit the field. */
function columnParsers(targets: readonly ColumnTarget[]): (j: number, text: string, rowNumber: number) => CellValue | null {
  const defs: Array<FieldTypeDef | null> = targets.map((t) => (t.field ? getFieldType(t.field.type) : null));
  return (j, text, rowNumber) => {
    const r = defs[j]!.parse(text, targets[j]!.field!.options);
    if (r.ok) return r.value;
    throw new EngineError('INVALID_VALUE', `Row ${rowNumber}, column '${targets[j]!.name}': ${r.message}. Nothing was imported.`, {
      row: rowNumber,
      column: targets[j]!.name,
    });
  };
}

/** A row's values by field id (empty cells left out). */
export function rowParser(targets: readonly ColumnTarget[]): RowParser {
  const parse = columnParsers(targets);
  return (row, rowNumber) => {
    const v: Record<string, CellValue | null> = {};
    for (let j = 0; j < targets.length; j++) {
      const field = targets[j]!.field;
      const text = row[j]!;
      if (!field || text === '') continue;
      const value = parse(j, text, rowNumber);
      if (value !== null) v[field.id] = value;
    }
    return v;
  };
}

/**
 * A row's values as cells aligned with `fieldIds` (a table's fields, which may include fields no
 * column goes to): `parse(row, rowNumber, cells)` fills `cells`, null where empty. Builds no object
 * per row.
 */
export function rowCellsParser(
  targets: readonly ColumnTarget[],
  fieldIds: readonly string[],
): (row: readonly string[], rowNumber: number, cells: Array<CellValue | null>) => void {
  const parse = columnParsers(targets);
  const at = targets.map((t) => {
    if (!t.field) return -1;
    const k = fieldIds.indexOf(t.field.id);
    if (k < 0) throw new Error(`rowCellsParser: column '${t.name}' goes to a field the table does not have`);
    return k;
  });
  return (row, rowNumber, cells) => {
    cells.fill(null);
    for (let j = 0; j < at.length; j++) {
      const k = at[j]!;
      const text = row[j]!;
      if (k < 0 || text === '') continue;
      cells[k] = parse(j, text, rowNumber);
    }
  };
}
