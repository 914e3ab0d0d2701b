/**
 * A view grouped by fields: collapsible group rows with their record counts (from the engine's
 * group query), and under an expanded innermost group its records in a grid of their own, read a
 * block at a time like the main grid.
 */
import { useEffect, useMemo, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import type { CellValueChangedEvent, ColDef, IDatasource, Theme } from 'ag-grid-community';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { GroupNode, RecordOut, TableSchema, ViewSchema } from '../../src-shared/api/engine.dto';
import type { FilterCondition, FilterGroup, FilterNode } from '../../src-shared/query/query.types';
import { displayText } from './cells';

interface Props {
  engine: EngineClient;
  base: string;
  table: TableSchema;
  view: ViewSchema;
  search: string;
  columns: Array<ColDef<RecordOut>>;
  theme: Theme;
  onEdit(e: CellValueChangedEvent<RecordOut>): void;
  onError(message: string): void;
  /** Bumped on every change to the table: groups and counts are read again. */
  version: number;
}

function condition(field: string, key: GroupNode['key']): FilterCondition {
  return key === null ? { field, op: 'isEmpty' } : { field, op: '=', value: key };
}

export function GroupedView({ engine, base, table, view, search, columns, theme, onEdit, onError, version }: Props): React.JSX.Element {
  const [groups, setGroups] = useState<GroupNode[] | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());

  useEffect(() => {
    let live = true;
    engine['records.groups']({ base, table: table.id, view: view.id, ...(search ? { search } : {}) }).then(
      (g) => live && setGroups(g),
      (e: Error) => live && onError(e.message),
    );
    return () => {
      live = false;
    };
  }, [engine, base, table.id, view.id, search, version, onError]);

  const render = (nodes: GroupNode[], depth: number, path: FilterCondition[], pathKey: string): React.ReactNode =>
    nodes.map((node) => {
      const level = view.groups[depth]!;
      const field = table.fields.find((f) => f.id === level.field);
      const key = `${pathKey}/${JSON.stringify(node.key)}`;
      const expanded = open.has(key);
      const conds = [...path, condition(level.field, node.key)];
      const label = node.key === null ? '(empty)' : displayText(field!, node.key);
      return (
        <div key={key} className="group" style={{ marginLeft: depth * 16 }}>
          <button
            type="button"
            className="group-header"
            aria-expanded={expanded}
            onClick={() => {
              const next = new Set(open);
              if (expanded) next.delete(key);
              else next.add(key);
              setOpen(next);
            }}
          >
            <span className="caret">{expanded ? '▾' : '▸'}</span>
            <span className="group-field">{field?.name}</span>
            <span className="group-key">{label}</span>
            <span className="group-count">{node.count.toLocaleString()}</span>
          </button>
          {expanded &&
            (node.children ? (
              render(node.children, depth + 1, conds, key)
            ) : (
              <GroupGrid engine={engine} base={base} table={table} view={view} search={search} conditions={conds} count={node.count} columns={columns} theme={theme} onEdit={onEdit} onError={onError} version={version} />
            ))}
        </div>
      );
    });

  if (!groups) return <p className="muted group-loading">Grouping…</p>;
  if (groups.length === 0) return <p className="empty">No records.</p>;
  return <div className="grouped">{render(groups, 0, [], '')}</div>;
}

function GroupGrid(props: Omit<Props, 'view'> & { view: ViewSchema; conditions: FilterCondition[]; count: number }): React.JSX.Element {
  const { engine, base, table, view, search, conditions, count, columns, theme, onEdit, onError, version } = props;
  // Keyed by content: the parent builds new condition arrays on every render.
  const conditionsKey = JSON.stringify(conditions);
  const filter = useMemo<FilterGroup>(
    () => ({ and: [...(view.filter ? [view.filter as FilterNode] : []), ...(JSON.parse(conditionsKey) as FilterCondition[])] }),
    [view.filter, conditionsKey],
  );
  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (p) => {
        const sorts = p.sortModel.map((m) => ({ field: m.colId, direction: m.sort }));
        engine['records.query']({ base, table: table.id, view: view.id, filter, offset: p.startRow, limit: p.endRow - p.startRow, keys: 'id', ...(sorts.length ? { sorts } : {}), ...(search ? { search } : {}) }).then(
          (page) => p.successCallback(page.records, page.total),
          (e: Error) => {
            onError(e.message);
            p.failCallback();
          },
        );
      },
    }),
    // `version` re-reads the rows after changes.
    [engine, base, table.id, view.id, filter, search, version],
  );
  const height = Math.min(count, 8) * 42 + 50;
  return (
    <div className="group-grid" style={{ height }}>
      <AgGridReact<RecordOut>
        theme={theme}
        rowModelType="infinite"
        datasource={datasource}
        cacheBlockSize={100}
        columnDefs={columns}
        getRowId={(p) => p.data.id}
        onCellValueChanged={onEdit}
        stopEditingWhenCellsLoseFocus
      />
    </div>
  );
}
