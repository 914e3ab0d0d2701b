/**
 * Names of the SQL objects a table's projection is made of. Ids are validated base62, so the
 * names need no quoting beyond the double quotes we always add.
 *
 * Projection table `p_<tableId>`:
 *   rid   INTEGER PRIMARY KEY   -- local row id; FTS rowid; differs between replicas
 *   id    TEXT NOT NULL UNIQUE  -- record id
 *   shard TEXT NOT NULL         -- id of the table doc shard holding the record
 *   search_text TEXT           -- the row's searchable text (cell texts in field-id order)
 *   "c_<fieldId>"               -- one typed column per field (TEXT columns use COLLATE NOCASE)
 * Full-text index `s_<tableId>`: FTS5 with external content (p_<tableId>.search_text), rowid = rid.
 */
import { isId } from '../../../src-shared/ids';

function checked(id: string, prefix: 'tbl' | 'fld' | 'viw'): string {
  if (!isId(id, prefix)) throw new Error(`Not a ${prefix} id: ${JSON.stringify(id)}`);
  return id;
}

export const projectionTable = (tableId: string): string => `"p_${checked(tableId, 'tbl')}"`;
export const searchTable = (tableId: string): string => `"s_${checked(tableId, 'tbl')}"`;
export const fieldColumn = (fieldId: string): string => `"c_${checked(fieldId, 'fld')}"`;
export const fieldIndex = (tableId: string, fieldId: string): string =>
  `"i_${checked(tableId, 'tbl')}_${checked(fieldId, 'fld')}"`;
