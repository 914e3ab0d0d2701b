import type { FilterNode } from '../../../src-shared/query/query.types';
import { isFilterGroup } from '../../../src-shared/query/query.types';
import type { TableSchema } from '../../../src-shared/schema/schema.types';

/** Field ids a table's views sort, filter or group on: the projection keeps an index for each. */
export function viewIndexedFields(table: TableSchema): Set<string> {
  const ids = new Set<string>();
  const visit = (n: FilterNode): void => {
    if (isFilterGroup(n)) ('and' in n ? n.and : n.or).forEach(visit);
    else ids.add(n.field);
  };
  for (const v of table.views) {
    v.sorts.forEach((s) => ids.add(s.field));
    v.groups.forEach((g) => ids.add(g.field));
    if (v.filter) visit(v.filter);
  }
  const known = new Set(table.fields.map((f) => f.id));
  return new Set([...ids].filter((id) => known.has(id)));
}
