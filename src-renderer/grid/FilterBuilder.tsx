/**
 * The view's filter: conditions and groups of conditions, each group joined by AND or OR, nested
 * up to three levels (Airtable's depth; the engine takes more). A condition is a field, an operator
 * fitting the field's type and a value edited as that type: a number, a date, a choice, a set of
 * choices, checked or not. Saved in the view as the engine's filter language; empty groups are left
 * out (they would match everything anyway).
 */
import { useState } from 'react';
import type { FilterCondition, FilterGroup, FilterNode, FilterOp } from '../../src-shared/query/query.types';
import { isFilterGroup } from '../../src-shared/query/query.types';
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { FieldSchema, SelectChoice } from '../../src-shared/schema/schema.types';
import type { TableSchema } from '../../src-shared/api/engine.dto';
import { ErrorLine } from '../app/Messages';
import { choicesOf } from './field-display';

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
const DAYS = new Set<FilterOp>(['withinPastDays', 'withinNextDays']);
const NUMBER_TYPES = new Set<string>(['number', 'currency', 'percent', 'duration', 'rating', 'autonumber']);
const DATE_TYPES = new Set<string>(['date', 'dateTime', 'createdTime', 'lastModifiedTime']);
const SELECT_TYPES = new Set<string>(['singleSelect', 'multipleSelect']);
/** Conditions in a filter, those in nested groups included. */
export function countConditions(filter: FilterGroup | null): number {
  if (!filter) return 0;
  return ('and' in filter ? filter.and : filter.or).reduce((n, node) => n + (isFilterGroup(node) ? countConditions(node) : 1), 0);
}

/** Levels of groups: the filter itself, groups in it, and groups in those. */
const MAX_LEVELS = 3;

type Field = FieldSchema;

interface Condition {
  kind: 'condition';
  key: number;
  field: string;
  op: FilterOp;
  /** Text as typed; for a set of choices, their ids. */
  value: string | string[];
}
interface Group {
  kind: 'group';
  key: number;
  conj: 'and' | 'or';
  items: Item[];
}
type Item = Condition | Group;

let nextKey = 1;
const key = (): number => nextKey++;

const choicesOfSelect = (field: Field | undefined): SelectChoice[] => (field && SELECT_TYPES.has(field.type) ? choicesOf(field) : []);

/** A saved operand as the editor shows it. */
function draftValue(value: unknown): string | string[] {
  if (Array.isArray(value)) return value.map(String);
  if (value === undefined || value === null) return '';
  return String(value);
}

function toDraft(node: FilterNode): Item {
  if (isFilterGroup(node)) {
    const conj = 'and' in node ? 'and' : 'or';
    return { kind: 'group', key: key(), conj, items: ('and' in node ? node.and : node.or).map(toDraft) };
  }
  return { kind: 'condition', key: key(), field: node.field, op: node.op, value: draftValue(node.value) };
}

function newCondition(field: Field): Condition {
  return { kind: 'condition', key: key(), field: field.id, op: getFieldType(field.type).filterOps[0]!, value: '' };
}

/** The operand of a condition as the engine takes it, or undefined for none. */
function operand(c: Condition, field: Field | undefined): unknown {
  if (NO_VALUE.has(c.op)) return undefined;
  const text = Array.isArray(c.value) ? '' : c.value.trim();
  if (LIST_VALUE.has(c.op)) return Array.isArray(c.value) ? c.value : text.split(',').map((s) => s.trim()).filter(Boolean);
  if (DAYS.has(c.op)) return text === '' ? text : Number(text);
  if (field?.type === 'checkbox') return c.value === 'true';
  if (field && NUMBER_TYPES.has(field.type) && text !== '' && !Number.isNaN(Number(text))) return Number(text);
  return Array.isArray(c.value) ? c.value[0] ?? '' : c.value;
}

function toFilter(group: Group, fieldOf: (id: string) => Field | undefined): FilterGroup | null {
  const nodes: FilterNode[] = [];
  for (const item of group.items) {
    if (item.kind === 'group') {
      const inner = toFilter(item, fieldOf);
      if (inner) nodes.push(inner);
      continue;
    }
    const value = operand(item, fieldOf(item.field));
    const condition: FilterCondition = value === undefined ? { field: item.field, op: item.op } : { field: item.field, op: item.op, value };
    nodes.push(condition);
  }
  if (nodes.length === 0) return null;
  return group.conj === 'and' ? { and: nodes } : { or: nodes };
}

/** Replaces the item with `target`'s key anywhere in the tree (null removes it). */
function replace(group: Group, target: number, next: Item | null): Group {
  const items: Item[] = [];
  for (const item of group.items) {
    if (item.key === target) {
      if (next) items.push(next);
    } else items.push(item.kind === 'group' ? replace(item, target, next) : item);
  }
  return { ...group, items };
}

interface Props {
  table: TableSchema;
  filter: FilterGroup | null;
  /** A field to start a new condition on (from a column's menu). */
  addFor?: string | null;
  onApply(filter: FilterGroup | null): Promise<void>;
  onClose(): void;
}

export function FilterBuilder({ table, filter, addFor, onApply, onClose }: Props): React.JSX.Element {
  const [root, setRoot] = useState<Group>(() => {
    const start = filter ? (toDraft(filter) as Group) : { kind: 'group' as const, key: key(), conj: 'and' as const, items: [] };
    const f = addFor ? table.fields.find((x) => x.id === addFor) : undefined;
    return f ? { ...start, items: [...start.items, newCondition(f)] } : start;
  });
  const [error, setError] = useState<string | null>(null);
  const fieldOf = (id: string): Field | undefined => table.fields.find((f) => f.id === id);
  const update = (target: number, next: Item | null): void => setRoot((r) => (target === r.key && next?.kind === 'group' ? next : replace(r, target, next)));

  const apply = async (): Promise<void> => {
    try {
      await onApply(toFilter(root, fieldOf));
      onClose();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  return (
    <div className="popover filter-builder" role="dialog" aria-label="Filter" onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      {root.items.length === 0 && <p className="muted">No conditions: every record is shown.</p>}
      <GroupEditor group={root} level={1} path="" table={table} fieldOf={fieldOf} update={update} />
      <div className="buttons">
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

interface GroupProps {
  group: Group;
  level: number;
  /** Where the group is, for labels: '' for the filter, '2.' for its second item, … */
  path: string;
  table: TableSchema;
  fieldOf(id: string): Field | undefined;
  update(target: number, next: Item | null): void;
}

function GroupEditor({ group, level, path, table, fieldOf, update }: GroupProps): React.JSX.Element {
  const first = table.fields[0];
  const name = path === '' ? 'the filter' : `group ${path.slice(0, -1)}`;
  return (
    <div className={level === 1 ? 'filter-group root' : 'filter-group'} role="group" aria-label={path === '' ? 'Conditions' : `Group ${path.slice(0, -1)}`}>
      {group.items.map((item, i) => {
        const label = `${path}${i + 1}`;
        const conj =
          i === 0 ? (
            <span className="conj">Where</span>
          ) : i === 1 ? (
            <select aria-label={path === '' ? 'Match' : `Match in group ${path.slice(0, -1)}`} value={group.conj} onChange={(e) => update(group.key, { ...group, conj: e.target.value as 'and' | 'or' })} className="conj">
              <option value="and">and</option>
              <option value="or">or</option>
            </select>
          ) : (
            <span className="conj">{group.conj}</span>
          );
        if (item.kind === 'group') {
          return (
            <div className="filter-row nested" key={item.key}>
              {conj}
              <GroupEditor group={item} level={level + 1} path={`${label}.`} table={table} fieldOf={fieldOf} update={update} />
              <button type="button" className="icon" aria-label={`Remove group ${label}`} onClick={() => update(item.key, null)}>
                ×
              </button>
            </div>
          );
        }
        return (
          <div className="filter-row" key={item.key}>
            {conj}
            <ConditionEditor condition={item} label={label} table={table} field={fieldOf(item.field)} onChange={(next) => update(item.key, next)} />
            <button type="button" className="icon" aria-label={`Remove condition ${label}`} onClick={() => update(item.key, null)}>
              ×
            </button>
          </div>
        );
      })}
      <div className="filter-add">
        <button type="button" disabled={!first} onClick={() => first && update(group.key, { ...group, items: [...group.items, newCondition(first)] })}>
          + Condition{path === '' ? '' : ` in group ${path.slice(0, -1)}`}
        </button>
        {level < MAX_LEVELS && (
          <button
            type="button"
            disabled={!first}
            aria-label={`Add a group to ${name}`}
            onClick={() => first && update(group.key, { ...group, items: [...group.items, { kind: 'group', key: key(), conj: group.conj === 'and' ? 'or' : 'and', items: [newCondition(first)] }] })}
          >
            + Group
          </button>
        )}
      </div>
    </div>
  );
}

interface ConditionProps {
  condition: Condition;
  label: string;
  table: TableSchema;
  field: Field | undefined;
  onChange(next: Condition): void;
}

function ConditionEditor({ condition: c, label, table, field, onChange }: ConditionProps): React.JSX.Element {
  const ops = field ? getFieldType(field.type).filterOps : [];
  return (
    <>
      <select
        aria-label={`Field of condition ${label}`}
        value={c.field}
        onChange={(e) => {
          const f = table.fields.find((x) => x.id === e.target.value)!;
          const nextOps = getFieldType(f.type).filterOps;
          const op = nextOps.includes(c.op) ? c.op : nextOps[0]!;
          // A value typed for another type rarely fits this one.
          onChange({ ...c, field: f.id, op, value: f.type === field?.type ? c.value : '' });
        }}
      >
        {table.fields.map((f) => (
          <option key={f.id} value={f.id}>
            {f.name}
          </option>
        ))}
      </select>
      <select aria-label={`Operator of condition ${label}`} value={c.op} onChange={(e) => onChange({ ...c, op: e.target.value as FilterOp })}>
        {ops.map((op) => (
          <option key={op} value={op}>
            {OP_LABELS[op]}
          </option>
        ))}
      </select>
      {!NO_VALUE.has(c.op) && <ValueEditor condition={c} label={label} field={field} onChange={onChange} />}
    </>
  );
}

function ValueEditor({ condition: c, label, field, onChange }: Omit<ConditionProps, 'table'>): React.JSX.Element {
  const aria = `Value of condition ${label}`;
  const text = Array.isArray(c.value) ? '' : c.value;
  const set = (value: string | string[]): void => onChange({ ...c, value });
  const choices = choicesOfSelect(field);
  if (DAYS.has(c.op)) {
    return <input aria-label={aria} type="number" min={0} step={1} value={text} onChange={(e) => set(e.target.value)} placeholder="days" />;
  }
  if (field?.type === 'checkbox') {
    return (
      <select aria-label={aria} value={text === 'true' ? 'true' : 'false'} onChange={(e) => set(e.target.value)}>
        <option value="true">checked</option>
        <option value="false">not checked</option>
      </select>
    );
  }
  if (choices.length > 0 && (LIST_VALUE.has(c.op) || (field?.type === 'multipleSelect' && (c.op === '=' || c.op === '!=')))) {
    const picked = new Set(Array.isArray(c.value) ? c.value : text.split(',').map((s) => s.trim()).filter(Boolean));
    return (
      <fieldset className="choice-set" aria-label={aria}>
        {choices.map((choice) => (
          <label key={choice.id} className={`chip chip-${choice.color}`}>
            <input
              type="checkbox"
              checked={picked.has(choice.id) || picked.has(choice.name)}
              onChange={(e) => {
                const next = [...picked].filter((v) => v !== choice.id && v !== choice.name);
                set(e.target.checked ? [...next, choice.id] : next);
              }}
            />
            {choice.name}
          </label>
        ))}
      </fieldset>
    );
  }
  if (choices.length > 0 && !['startsWith'].includes(c.op)) {
    const current = choices.find((ch) => ch.id === text || ch.name === text)?.id ?? '';
    return (
      <select aria-label={aria} value={current} onChange={(e) => set(e.target.value)}>
        <option value="" disabled>
          choose…
        </option>
        {choices.map((choice) => (
          <option key={choice.id} value={choice.id}>
            {choice.name}
          </option>
        ))}
      </select>
    );
  }
  if (field && DATE_TYPES.has(field.type)) {
    return <input aria-label={aria} type="date" value={/^\d{4}-\d{2}-\d{2}$/.test(text) ? text : ''} onChange={(e) => set(e.target.value)} />;
  }
  if (field && NUMBER_TYPES.has(field.type) && !LIST_VALUE.has(c.op)) {
    return <input aria-label={aria} type="number" step="any" value={text} onChange={(e) => set(e.target.value)} />;
  }
  return <input aria-label={aria} value={text} onChange={(e) => set(e.target.value)} placeholder={LIST_VALUE.has(c.op) ? 'a, b, c' : ''} />;
}
