/**
 * The view's filter: conditions joined by AND or OR, each a field, an operator fitting the field's
 * type and a value. Saved in the view as the engine's filter language.
 */
import { useState } from 'react';
import type { FilterCondition, FilterGroup, FilterNode, FilterOp } from '../../src-shared/query/query.types';
import { isFilterGroup } from '../../src-shared/query/query.types';
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { TableSchema } from '../../src-shared/api/engine.dto';
import { ErrorLine } from '../app/Messages';

const OP_LABELS: Record<FilterOp, string> = {
  '=': 'is',
  '!=': 'is not',
  '<': '<',
  '<=': '≤',
  '>': '>',
  '>=': '≥',
  contains: 'contains',
  notContains: 'does not contain',
  startsWith: 'starts with',
  isEmpty: 'is empty',
  isNotEmpty: 'is not empty',
  anyOf: 'is any of',
  allOf: 'has all of',
  withinPastDays: 'is within past days',
  withinNextDays: 'is within next days',
};
const NO_VALUE = new Set<FilterOp>(['isEmpty', 'isNotEmpty']);
const LIST_VALUE = new Set<FilterOp>(['anyOf', 'allOf']);

interface Props {
  table: TableSchema;
  filter: FilterGroup | null;
  /** A field to start a new condition on (from a column's menu). */
  addFor?: string | null;
  onApply(filter: FilterGroup | null): Promise<void>;
  onClose(): void;
}

interface Row {
  field: string;
  op: FilterOp;
  value: string;
}

function toRows(filter: FilterGroup | null): { conj: 'and' | 'or'; rows: Row[]; nested: boolean } {
  if (!filter) return { conj: 'and', rows: [], nested: false };
  const conj = 'and' in filter ? 'and' : 'or';
  const nodes: FilterNode[] = 'and' in filter ? filter.and : filter.or;
  const rows: Row[] = [];
  let nested = false;
  for (const n of nodes) {
    if (isFilterGroup(n)) {
      nested = true;
      continue;
    }
    rows.push({ field: n.field, op: n.op, value: Array.isArray(n.value) ? n.value.join(', ') : n.value === undefined || n.value === null ? '' : String(n.value) });
  }
  return { conj, rows, nested };
}

export function FilterBuilder({ table, filter, addFor, onApply, onClose }: Props): React.JSX.Element {
  const initial = toRows(filter);
  const [conj, setConj] = useState<'and' | 'or'>(initial.conj);
  const [rows, setRows] = useState<Row[]>(() => {
    const f = addFor ? table.fields.find((x) => x.id === addFor) : undefined;
    return f ? [...initial.rows, { field: f.id, op: getFieldType(f.type).filterOps[0]!, value: '' }] : initial.rows;
  });
  const [error, setError] = useState<string | null>(null);
  const fieldOf = (id: string): TableSchema['fields'][number] | undefined => table.fields.find((f) => f.id === id);

  const apply = async (): Promise<void> => {
    const conditions: FilterCondition[] = rows.map((r) => {
      const field = fieldOf(r.field);
      const numeric = field && ['REAL', 'INTEGER'].includes(getFieldType(field.type).sqlType) && !['checkbox', 'date', 'dateTime', 'createdTime', 'lastModifiedTime'].includes(field.type);
      let value: unknown = r.value;
      if (NO_VALUE.has(r.op)) value = undefined;
      else if (LIST_VALUE.has(r.op)) value = r.value.split(',').map((s) => s.trim()).filter(Boolean);
      else if (r.op === 'withinPastDays' || r.op === 'withinNextDays' || (numeric && r.value.trim() !== '' && !Number.isNaN(Number(r.value)))) value = Number(r.value);
      else if (field?.type === 'checkbox') value = r.value === 'true';
      return value === undefined ? { field: r.field, op: r.op } : { field: r.field, op: r.op, value };
    });
    try {
      await onApply(conditions.length === 0 ? null : conj === 'and' ? { and: conditions } : { or: conditions });
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="popover filter-builder" role="dialog" aria-label="Filter" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {initial.nested && <p className="muted">This view's filter has nested groups; editing here keeps only its top-level conditions.</p>}
      {rows.length === 0 && <p className="muted">No conditions: every record is shown.</p>}
      {rows.map((r, i) => {
        const field = fieldOf(r.field);
        const ops = field ? getFieldType(field.type).filterOps : [];
        return (
          <div className="filter-row" key={i}>
            {i === 0 ? (
              <span className="conj">Where</span>
            ) : i === 1 ? (
              <select aria-label="Match" value={conj} onChange={(e) => setConj(e.target.value as 'and' | 'or')} className="conj">
                <option value="and">and</option>
                <option value="or">or</option>
              </select>
            ) : (
              <span className="conj">{conj}</span>
            )}
            <select
              aria-label={`Field of condition ${i + 1}`}
              value={r.field}
              onChange={(e) => {
                const f = fieldOf(e.target.value)!;
                const nextOps = getFieldType(f.type).filterOps;
                setRows(rows.map((x, j) => (j === i ? { field: f.id, op: nextOps.includes(x.op) ? x.op : nextOps[0]!, value: x.value } : x)));
              }}
            >
              {table.fields.map((f) => (
                <option key={f.id} value={f.id}>
                  {f.name}
                </option>
              ))}
            </select>
            <select aria-label={`Operator of condition ${i + 1}`} value={r.op} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, op: e.target.value as FilterOp } : x)))}>
              {ops.map((op) => (
                <option key={op} value={op}>
                  {OP_LABELS[op]}
                </option>
              ))}
            </select>
            {!NO_VALUE.has(r.op) && (
              <input aria-label={`Value of condition ${i + 1}`} value={r.value} onChange={(e) => setRows(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))} placeholder={LIST_VALUE.has(r.op) ? 'a, b, c' : ''} />
            )}
            <button type="button" className="icon" aria-label={`Remove condition ${i + 1}`} onClick={() => setRows(rows.filter((_, j) => j !== i))}>
              ×
            </button>
          </div>
        );
      })}
      <div className="buttons">
        <button
          type="button"
          onClick={() => {
            const f = table.fields[0];
            if (f) setRows([...rows, { field: f.id, op: getFieldType(f.type).filterOps[0]!, value: '' }]);
          }}
        >
          + Condition
        </button>
        <span className="spacer" />
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="primary" onClick={() => void apply()}>
          Apply
        </button>
      </div>
      <ErrorLine message={error} />
    </div>
  );
}
