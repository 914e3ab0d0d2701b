/**
 * A table's grid: AG Grid's infinite row model fed by engine queries, a block of rows at a time,
 * so a table of any size opens at once and scrolls without loading everything. Cells edit in
 * place; other people's and other windows' changes refresh the visible rows.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  AllCommunityModule, ModuleRegistry, colorSchemeDark, themeQuartz,
  type CellValueChangedEvent, type ColDef, type GridApi, type IDatasource,
} from 'ag-grid-community';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { RecordOut, TableSchema, ViewSchema } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { FIELD_TYPES, type CellValue, type FieldSchema, type FieldType } from '../../src-shared/schema/schema.types';
import { RecordPanel } from './RecordPanel';
import { PreviewProvider } from '../preview/Attachments';
import { columnFor, displayText, searchPattern } from './cells';
import { ViewBar } from './ViewBar';
import { countConditions, FilterBuilder } from './FilterBuilder';
import { FieldDialog } from './FieldDialog';
import { FieldMenu } from './FieldMenu';
import { GroupedView } from './GroupedView';
import { formatTsv, parseTsv } from '../../src-shared/text/tsv';
import { ErrorLine, NoticeLine } from '../app/Messages';
import { desktopShell, onAppCommand } from '../engine/desktop';
import { NO_PEER_CELLS, peerCellColumn, usePeerCellsRefresh, type PeerCells } from '../app/sync/grid-presence';
import { READ_ONLY_NOTE } from '../app/sync/sync-text';

ModuleRegistry.registerModules([AllCommunityModule]);

const BLOCK = 100;
const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
const theme = dark ? themeQuartz.withPart(colorSchemeDark) : themeQuartz;

interface Props {
  engine: EngineClient;
  base: string;
  table: TableSchema;
  /** A synced base this person may only view: nothing edits, nothing adds. */
  readOnly?: boolean;
  /** Cells other people have selected (synced bases): outlined in their colour. */
  peerCells?: PeerCells;
  /** The cell this person selected (or none), for the others to see. */
  onCellFocus?(cell: { record: string; field: string } | null): void;
}

export function GridView({ engine, base, table, readOnly = false, peerCells = NO_PEER_CELLS, onCellFocus }: Props): React.JSX.Element {
  const api = useRef<GridApi<RecordOut> | null>(null);
  const peerCellsRef = usePeerCellsRefresh(api, peerCells);
  const [count, setCount] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  // The add-field form: closed (false), at the end (true), or before a field.
  const [showAddField, setShowAddField] = useState<boolean | { before: string | null }>(false);
  const [menu, setMenu] = useState<{ fieldId: string; x: number; y: number } | null>(null);
  const [editingField, setEditingField] = useState<FieldSchema | null>(null);
  const [deletingField, setDeletingField] = useState<FieldSchema | null>(null);
  const [filterField, setFilterField] = useState<string | null>(null);
  const [openRecord, setOpenRecord] = useState<string | null>(null);
  const [viewId, setViewId] = useState<string | null>(table.views[0]?.id ?? null);
  const [popover, setPopover] = useState<'filter' | 'hide' | 'export' | 'group' | null>(null);
  const [version, setVersion] = useState(0);
  const view = table.views.find((v) => v.id === viewId) ?? table.views[0]!;

  const searchBox = useRef<HTMLInputElement | null>(null);
  // Ctrl/Cmd+F and the desktop's Edit → Find go to the search box; Export CSV… opens its form.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'f') {
        e.preventDefault();
        searchBox.current?.focus();
        searchBox.current?.select();
      }
    };
    window.addEventListener('keydown', onKey);
    const off = onAppCommand((c) => {
      if (c.command === 'view.search') {
        searchBox.current?.focus();
        searchBox.current?.select();
      } else if (c.command === 'csv.export') setPopover('export');
    });
    return () => {
      window.removeEventListener('keydown', onKey);
      off();
    };
  }, []);

  // Popovers belong to the view they were opened on.
  useEffect(() => {
    setPopover(null);
    setFilterField(null);
  }, [view.id]);

  const updateView = useCallback(
    async (patch: Partial<Pick<ViewSchema, 'filter' | 'sorts' | 'groups' | 'hidden' | 'fieldOrder' | 'widths'>>) => {
      await engine['view.update']({ base, table: table.id, view: view.id, ...patch });
    },
    [engine, base, table.id, view.id],
  );

  // Search as you type, a moment after the last key.
  useEffect(() => {
    const t = setTimeout(() => setSearch(searchText.trim()), 200);
    return () => clearTimeout(t);
  }, [searchText]);

  const pattern = useMemo(() => searchPattern(search), [search]);

  const toggle = useCallback(
    (id: string, fieldId: string, value: boolean) => {
      if (readOnly) return setStatus(READ_ONLY_NOTE);
      engine['records.update']({ base, table: table.id, updates: [{ id, fields: { [fieldId]: value || null } }] }).catch((e: Error) => setStatus(e.message));
    },
    [engine, base, table.id, readOnly],
  );

  const columns = useMemo<Array<ColDef<RecordOut>>>(
    () => [
      {
        headerName: '',
        colId: '#',
        // Room for 7-digit row numbers and the expand button.
        width: 96,
        pinned: 'left',
        sortable: false,
        editable: false,
        cellClass: 'row-number',
        valueGetter: (p) => (p.node?.rowIndex ?? 0) + 1,
        cellRenderer: (p: { value: number; data?: RecordOut }) =>
          p.data ? (
            <span className="row-number-cell">
              <button type="button" className="expand" aria-label={`Expand record ${p.value}`} tabIndex={-1} onClick={() => setOpenRecord(p.data!.id)}>
                ⤢
              </button>
              {p.value}
            </span>
          ) : (
            p.value
          ),
      },
      ...orderedFields(table, view).map((f): ColDef<RecordOut> => {
        const def = getFieldType(f.type);
        const sortAt = view.sorts.findIndex((x) => x.field === f.id);
        return {
          colId: f.id,
          headerName: f.name,
          field: `fields.${f.id}` as never,
          editable: !def.computed && !readOnly,
          sortable: true,
          cellDataType: false,
          hide: view.hidden.includes(f.id),
          sort: sortAt >= 0 ? view.sorts[sortAt]!.direction : null,
          sortIndex: sortAt >= 0 ? sortAt : null,
          ...(view.widths[f.id] ? { width: view.widths[f.id] } : {}),
          ...columnFor(f, toggle, pattern),
          ...peerCellColumn(peerCellsRef),
        };
      }),
    ],
    [table, view, toggle, pattern, readOnly, peerCellsRef],
  );

  // Answers to an older query (a previous search or view) are dropped: the key of the query the
  // grid shows is recorded once it is committed.
  const queryKey = JSON.stringify([table.id, view.id, search]);
  const shownKey = useRef(queryKey);
  useEffect(() => {
    shownKey.current = queryKey;
  }, [queryKey]);
  const datasource = useMemo<IDatasource>(
    () => {
      const key = JSON.stringify([table.id, view.id, search]);
      const source: IDatasource = {
      getRows: (params) => {
        // Header clicks sort through the engine (an index serves them), never in the page.
        const sorts = params.sortModel.map((m) => ({ field: m.colId, direction: m.sort }));
        engine['records.query']({
          base,
          table: table.id,
          view: view.id,
          offset: params.startRow,
          limit: params.endRow - params.startRow,
          keys: 'id',
          ...(sorts.length ? { sorts } : {}),
          ...(search ? { search } : {}),
        }).then(
          (page) => {
            if (shownKey.current !== key) return;
            setCount(page.total);
            params.successCallback(page.records, page.total);
          },
          (e: Error) => {
            if (shownKey.current !== key) return;
            setStatus(e.message);
            params.failCallback();
          },
        );
      },
      };
      return source;
    },
    [engine, base, table.id, view.id, search],
  );

  useEffect(
    () =>
      engine.onDidChange((e) => {
        if (e.base === base && e.tables.includes(table.id)) {
          api.current?.refreshInfiniteCache();
          setVersion((v) => v + 1);
          setNotice(null);
        }
      }),
    [engine, base, table.id],
  );

  const onEdit = useCallback(
    (e: CellValueChangedEvent<RecordOut>) => {
      const fieldId = e.column.getColId();
      const id = e.data?.id;
      if (!id) return;
      engine['records.update']({ base, table: table.id, updates: [{ id, fields: { [fieldId]: e.newValue === '' ? null : e.newValue } }] }).then(
        () => setStatus(null),
        (err: Error) => {
          setStatus(err.message);
          api.current?.refreshInfiniteCache();
        },
      );
    },
    [engine, base, table.id],
  );

  const deleteSelected = useCallback(async () => {
    const ids = (api.current?.getSelectedRows() ?? []).map((r) => r.id);
    const focused = api.current?.getFocusedCell();
    if (ids.length === 0 && focused) {
      const row = api.current?.getDisplayedRowAtIndex(focused.rowIndex)?.data;
      if (row) ids.push(row.id);
    }
    if (ids.length === 0) return;
    try {
      await engine['records.delete']({ base, table: table.id, ids });
      setStatus(null);
      setNotice(`Deleted ${ids.length === 1 ? 'a record' : `${ids.length} records`}. Ctrl+Z brings ${ids.length === 1 ? 'it' : 'them'} back.`);
    } catch (e) {
      setStatus((e as Error).message);
    }
  }, [engine, base, table.id]);

  // Clipboard: TSV, as spreadsheets exchange it. Copy/cut take the selected rows (all columns) or
  // the focused cell; paste fills from the focused cell right and down, adding records past the
  // end, converting each text by its field's type and reporting what could not convert.
  const gridEl = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    const el = gridEl.current;
    if (!el) return;
    const busyEditing = (target: EventTarget | null): boolean =>
      target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || (api.current?.getEditingCells().length ?? 0) > 0;
    const dataColumns = (): FieldSchema[] =>
      (api.current?.getAllDisplayedColumns() ?? []).map((c) => table.fields.find((f) => f.id === c.getColId())).filter((f): f is FieldSchema => !!f);
    const block = (): { rows: RecordOut[]; fields: FieldSchema[] } | null => {
      const a = api.current;
      if (!a) return null;
      const selected = a.getSelectedRows();
      if (selected.length > 1) return { rows: selected, fields: dataColumns() };
      const focus = a.getFocusedCell();
      const row = focus ? a.getDisplayedRowAtIndex(focus.rowIndex)?.data : undefined;
      const field = focus ? table.fields.find((f) => f.id === focus.column.getColId()) : undefined;
      return row && field ? { rows: [row], fields: [field] } : null;
    };
    const onCopy = (e: ClipboardEvent, cut: boolean): void => {
      if (busyEditing(e.target)) return;
      const b = block();
      if (!b) return;
      e.preventDefault();
      e.clipboardData?.setData('text/plain', formatTsv(b.rows.map((r) => b.fields.map((f) => displayText(f, r.fields[f.id] as CellValue | undefined)))));
      if (!cut) return;
      if (readOnly) return setStatus(READ_ONLY_NOTE);
      const editable = b.fields.filter((f) => !getFieldType(f.type).computed);
      engine['records.update']({ base, table: table.id, updates: b.rows.map((r) => ({ id: r.id, fields: Object.fromEntries(editable.map((f) => [f.id, null])) })) }).catch(
        (err: Error) => setStatus(err.message),
      );
    };
    const onPaste = (e: ClipboardEvent): void => {
      if (busyEditing(e.target)) return;
      if (readOnly) return setStatus(READ_ONLY_NOTE);
      const a = api.current;
      const focus = a?.getFocusedCell();
      const text = e.clipboardData?.getData('text/plain') ?? '';
      if (!a || !focus || !text) return;
      e.preventDefault();
      const rows = parseTsv(text);
      const cols = dataColumns();
      const start = cols.findIndex((f) => f.id === focus.column.getColId());
      if (start < 0) return;
      const updates: Array<{ id: string; fields: Record<string, unknown> }> = [];
      const creates: Array<Record<string, unknown>> = [];
      const problems: string[] = [];
      let cells = 0;
      rows.forEach((cellsText, i) => {
        const index = focus.rowIndex + i;
        const values: Record<string, unknown> = {};
        cellsText.forEach((t, j) => {
          const field = cols[start + j];
          if (!field) {
            problems.push(`row ${index + 1}: “${t}” is past the last column`);
            return;
          }
          const def = getFieldType(field.type);
          if (def.computed) {
            problems.push(`row ${index + 1}, ${field.name}: computed fields cannot be pasted into`);
            return;
          }
          const parsed = def.parse(t, field.options);
          if (!parsed.ok) {
            problems.push(`row ${index + 1}, ${field.name}: “${t}” ${parsed.message}`);
            return;
          }
          values[field.id] = parsed.value;
          cells++;
        });
        const existing = index < (count ?? 0) ? a.getDisplayedRowAtIndex(index)?.data : undefined;
        if (existing) updates.push({ id: existing.id, fields: values });
        else if (index >= (count ?? 0)) creates.push(values);
        else problems.push(`row ${index + 1} is not loaded; scroll to it and paste again`);
      });
      void (async () => {
        try {
          // One change: one Ctrl+Z takes back the whole paste.
          await engine['records.paste']({ base, table: table.id, updates, records: creates });
          setNotice(`Pasted ${cells} ${cells === 1 ? 'cell' : 'cells'}${creates.length ? `, adding ${creates.length} ${creates.length === 1 ? 'record' : 'records'}` : ''}.`);
          setStatus(problems.length ? `${problems.length} ${problems.length === 1 ? 'cell' : 'cells'} could not be pasted: ${problems.slice(0, 3).join('; ')}${problems.length > 3 ? '; …' : ''}` : null);
        } catch (err) {
          setStatus((err as Error).message);
        }
      })();
    };
    const copy = (e: ClipboardEvent): void => onCopy(e, false);
    const cut = (e: ClipboardEvent): void => onCopy(e, true);
    el.addEventListener('copy', copy);
    el.addEventListener('cut', cut);
    el.addEventListener('paste', onPaste);
    return () => {
      el.removeEventListener('copy', copy);
      el.removeEventListener('cut', cut);
      el.removeEventListener('paste', onPaste);
    };
  }, [engine, base, table, count, readOnly]);

  const addRecord = async (): Promise<void> => {
    try {
      const shown = count ?? 0;
      await engine['records.create']({ base, table: table.id, records: [{}] });
      api.current?.refreshInfiniteCache();
      // The new record comes last in this view (unless its filter leaves it out).
      api.current?.ensureIndexVisible(shown, 'bottom');
    } catch (e) {
      setStatus((e as Error).message);
    }
  };

  return (
    <PreviewProvider engine={engine} base={base} search={search}>
    <div className="grid-view">
      <ViewBar engine={engine} base={base} table={table} view={view} onSelect={setViewId} onError={setStatus} />
      <div className="toolbar">
        <h2>{table.name}</h2>
        <span className="count" aria-live="polite">
          {count === null ? '' : `${count.toLocaleString()} ${count === 1 ? 'record' : 'records'}${search ? ' found' : ''}`}
        </span>
        <input
          type="search"
          className="search"
          ref={searchBox}
          aria-label="Search records"
          placeholder="Search"
          value={searchText}
          onChange={(e) => setSearchText(e.target.value)}
        />
        <button
          type="button"
          className={view.filter ? 'active' : ''}
          aria-expanded={popover === 'filter'}
          onClick={() => setPopover(popover === 'filter' ? null : 'filter')}
        >
          {view.filter ? `Filtered (${countConditions(view.filter)})` : 'Filter'}
        </button>
        <button
          type="button"
          className={view.hidden.length ? 'active' : ''}
          aria-expanded={popover === 'hide'}
          onClick={() => setPopover(popover === 'hide' ? null : 'hide')}
        >
          {view.hidden.length ? `${view.hidden.length} hidden` : 'Hide fields'}
        </button>
        <button
          type="button"
          className={view.groups.length ? 'active' : ''}
          aria-expanded={popover === 'group'}
          onClick={() => setPopover(popover === 'group' ? null : 'group')}
        >
          {view.groups.length ? `Grouped by ${view.groups.map((g) => table.fields.find((f) => f.id === g.field)?.name ?? '?').join(', ')}` : 'Group'}
        </button>
        {popover === 'group' && (
          <div className="popover group-form" role="dialog" aria-label="Group" onKeyDown={(e) => e.key === 'Escape' && setPopover(null)}>
            {[0, 1, 2].slice(0, Math.min(3, view.groups.length + 1)).map((level) => (
              <label key={level}>
                {level === 0 ? 'Group by' : 'then by'}{' '}
                <select
                  aria-label={level === 0 ? 'Group by field' : `Group level ${level + 1}`}
                  value={view.groups[level]?.field ?? ''}
                  onChange={(e) => {
                    const field = e.target.value;
                    // Choosing (none) at a level removes it and the levels below it.
                    const groups = [...view.groups.slice(0, level), ...(field ? [{ field, direction: 'asc' as const }] : [])];
                    updateView({ groups }).catch((err: Error) => setStatus(err.message));
                  }}
                >
                  <option value="">(none)</option>
                  {table.fields
                    .filter((f) => !['multipleSelect', 'attachment', 'json', 'longText'].includes(f.type))
                    .filter((f) => !view.groups.slice(0, level).some((g) => g.field === f.id))
                    .map((f) => (
                      <option key={f.id} value={f.id}>
                        {f.name}
                      </option>
                    ))}
                </select>
              </label>
            ))}
            <div className="buttons">
              <button type="button" onClick={() => setPopover(null)}>
                Done
              </button>
            </div>
          </div>
        )}
        <button type="button" aria-expanded={popover === 'export'} onClick={() => setPopover(popover === 'export' ? null : 'export')}>
          Export CSV…
        </button>
        {popover === 'export' && <ExportForm engine={engine} base={base} table={table} view={view} onDone={(message) => { setPopover(null); if (message) setNotice(message); }} />}
        <button type="button" disabled={readOnly} onClick={() => setShowAddField((v) => (v === false ? true : false))} aria-expanded={showAddField !== false}>
          + Field
        </button>
        {popover === 'filter' && (
          <FilterBuilder
            key={view.id}
            table={table}
            filter={view.filter}
            addFor={filterField}
            onClose={() => {
              setPopover(null);
              setFilterField(null);
            }}
            onApply={(filter) => updateView({ filter })}
          />
        )}
        {popover === 'hide' && (
          <div className="popover hide-fields" role="dialog" aria-label="Hide fields" onKeyDown={(e) => e.key === 'Escape' && setPopover(null)}>
            {table.fields.map((f) => (
              <label key={f.id}>
                <input
                  type="checkbox"
                  checked={!view.hidden.includes(f.id)}
                  onChange={(e) =>
                    void updateView({ hidden: e.target.checked ? view.hidden.filter((h) => h !== f.id) : [...view.hidden, f.id] }).catch((err: Error) => setStatus(err.message))
                  }
                />
                {f.name}
              </label>
            ))}
            <div className="buttons">
              <button type="button" onClick={() => void updateView({ hidden: [] })}>
                Show all
              </button>
              <button type="button" onClick={() => setPopover(null)}>
                Done
              </button>
            </div>
          </div>
        )}
        <button type="button" disabled={readOnly} onClick={() => void deleteSelected()} title="Delete the selected records (Ctrl+Z brings them back)">
          Delete record
        </button>
        <button type="button" disabled={readOnly} onClick={() => void addRecord()}>
          + Add record
        </button>
      </div>
      {showAddField !== false && (
        <AddFieldForm
          onCancel={() => setShowAddField(false)}
          onAdd={async (name, type) => {
            const before = typeof showAddField === 'object' ? showAddField.before : undefined;
            const created = await engine['field.create']({ base, table: table.id, name, type, ...(before !== undefined ? { before } : {}) });
            // In this view, the new field takes the place it was inserted at.
            if (before !== undefined && view.fieldOrder.length > 0) {
              const order = orderedFields(table, view).map((f) => f.id);
              const at = before === null ? order.length : order.indexOf(before);
              order.splice(at < 0 ? order.length : at, 0, created.id);
              await updateView({ fieldOrder: order });
            }
            setShowAddField(false);
          }}
        />
      )}
      {menu && (
        <FieldMenu
          x={menu.x}
          y={menu.y}
          fieldName={table.fields.find((f) => f.id === menu.fieldId)?.name ?? ''}
          onClose={() => setMenu(null)}
          onAction={(action) => {
            const field = table.fields.find((f) => f.id === menu.fieldId);
            setMenu(null);
            if (!field) return;
            const order = orderedFields(table, view).map((f) => f.id);
            const fail = (e: Error): void => setStatus(e.message);
            if (readOnly && ['edit', 'insertLeft', 'insertRight', 'delete'].includes(action)) return setStatus(READ_ONLY_NOTE);
            switch (action) {
              case 'edit':
                return setEditingField(field);
              case 'insertLeft':
                return setShowAddField({ before: field.id });
              case 'insertRight':
                return setShowAddField({ before: order[order.indexOf(field.id) + 1] ?? null });
              case 'hide':
                return void updateView({ hidden: [...view.hidden, field.id] }).catch(fail);
              case 'sortAsc':
              case 'sortDesc':
                return void updateView({ sorts: [{ field: field.id, direction: action === 'sortAsc' ? 'asc' : 'desc' }] }).catch(fail);
              case 'filter':
                setFilterField(field.id);
                return setPopover('filter');
              case 'delete':
                return setDeletingField(field);
            }
          }}
        />
      )}
      {editingField && (
        <FieldDialog
          engine={engine}
          base={base}
          tableId={table.id}
          field={editingField}
          onDone={(message) => {
            setEditingField(null);
            if (message) setNotice(message);
          }}
        />
      )}
      {deletingField && (
        <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && setDeletingField(null)}>
          <div className="dialog field-dialog" role="alertdialog" aria-label={`Delete field ${deletingField.name}?`}>
            <p>
              Delete the field <b>{deletingField.name}</b> and its values in every record? Ctrl+Z brings it back.
            </p>
            <div className="buttons end">
              <button type="button" onClick={() => setDeletingField(null)}>
                Cancel
              </button>
              <button
                type="button"
                className="primary"
                autoFocus
                onClick={() => {
                  const f = deletingField;
                  setDeletingField(null);
                  engine['field.delete']({ base, table: table.id, field: f.id }).then(
                    () => setNotice(`Deleted field '${f.name}'. Ctrl+Z brings it back.`),
                    (e: Error) => setStatus(e.message),
                  );
                }}
              >
                Delete field
              </button>
            </div>
          </div>
        </div>
      )}
      <ErrorLine message={status} />
      <NoticeLine message={notice} className="grid-notice" />
      <div className="grid-and-panel">
      {view.groups.length > 0 && (
        <GroupedView engine={engine} base={base} table={table} view={view} search={search} columns={columns} theme={theme} onEdit={onEdit} onError={setStatus} version={version} />
      )}
      <div className="grid" ref={gridEl} hidden={view.groups.length > 0}>
        <AgGridReact<RecordOut>
          theme={theme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK}
          maxBlocksInCache={50}
          // Smooth flinging through huge tables: few off-screen rows; rows are laid out and blocks
          // requested when the scroll slows, not for every row range flown past (measured in
          // `npm run bench -- ui`: frame p95 64 ms without these, 17 ms with them).
          rowBuffer={4}
          blockLoadDebounceMillis={40}
          debounceVerticalScrollbar
          columnDefs={columns}
          getRowId={(p) => p.data.id}
          onGridReady={(e) => (api.current = e.api)}
          onCellValueChanged={onEdit}
          onCellFocused={(e) => {
            // Where this person is, for the others in a synced base (not the row-number column).
            const col = e.column && typeof e.column === 'object' ? e.column.getColId() : null;
            const record = e.rowIndex === null ? undefined : e.api.getDisplayedRowAtIndex(e.rowIndex)?.data?.id;
            onCellFocus?.(record && col && col !== '#' ? { record, field: col } : null);
          }}
          preventDefaultOnContextMenu
          onColumnHeaderContextMenu={(e) => {
            const id = 'getColId' in e.column ? e.column.getColId() : null;
            if (!id || id === '#') return;
            // The menu opens under the header it belongs to.
            const rect = gridEl.current?.querySelector(`.ag-header-cell[col-id="${CSS.escape(id)}"]`)?.getBoundingClientRect();
            setMenu({ fieldId: id, x: rect?.left ?? 0, y: rect?.bottom ?? 0 });
          }}
          // What people change in the grid's layout is saved in the view.
          onSortChanged={(e) => {
            if (e.source !== 'uiColumnSorted') return;
            const sorts = e.api
              .getColumnState()
              .filter((c) => c.sort && c.colId !== '#')
              .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
              .map((c) => ({ field: c.colId, direction: c.sort! }));
            updateView({ sorts }).catch((err: Error) => setStatus(err.message));
          }}
          onColumnResized={(e) => {
            if (!e.finished || e.source !== 'uiColumnResized' || !e.column) return;
            updateView({ widths: { ...view.widths, [e.column.getColId()]: Math.round(e.column.getActualWidth()) } }).catch((err: Error) => setStatus(err.message));
          }}
          onDragStopped={(e) => {
            const order = e.api.getAllGridColumns().map((c) => c.getColId()).filter((id) => id !== '#');
            if (JSON.stringify(order) !== JSON.stringify(orderedFields(table, view).map((f) => f.id))) {
              updateView({ fieldOrder: order }).catch((err: Error) => setStatus(err.message));
            }
          }}
          rowSelection={{ mode: 'multiRow', checkboxes: false, headerCheckbox: false, enableClickSelection: true }}
          onCellKeyDown={(e) => {
            // Keys typed into an open editor belong to it.
            if (e.api.getEditingCells().length > 0) return;
            // Delete or Backspace on a cell (not while editing) clears it.
            const key = (e.event as KeyboardEvent | undefined)?.key;
            const ke = e.event as KeyboardEvent | undefined;
            // Ctrl/Cmd+D fills down: the selected rows (or the focused cell) take the value of the
            // first selected row (or of the cell above) in the focused column.
            if (ke && (ke.ctrlKey || ke.metaKey) && key?.toLowerCase() === 'd' && 'column' in e && e.data) {
              ke.preventDefault();
              const fieldId = e.column.getColId();
              if (!e.column.isCellEditable(e.node)) return;
              const selected = e.api.getSelectedNodes().filter((n) => n.data).sort((a, b) => (a.rowIndex ?? 0) - (b.rowIndex ?? 0));
              const source = selected.length > 1 ? selected[0]!.data : e.node.rowIndex ? e.api.getDisplayedRowAtIndex(e.node.rowIndex - 1)?.data : undefined;
              const targets = selected.length > 1 ? selected.slice(1).map((n) => n.data!) : [e.data];
              if (!source) return;
              const value = source.fields[fieldId] ?? null;
              engine['records.update']({ base, table: table.id, updates: targets.map((t) => ({ id: t.id, fields: { [fieldId]: value } })) }).catch((err: Error) => setStatus(err.message));
              return;
            }
            // Shift+Space opens the row in the record panel.
            if (key === ' ' && (e.event as KeyboardEvent).shiftKey && e.data) {
              setOpenRecord(e.data.id);
              return;
            }
            if ((key === 'Delete' || key === 'Backspace') && 'column' in e && e.data && e.column.isCellEditable(e.node)) {
              const fieldId = e.column.getColId();
              engine['records.update']({ base, table: table.id, updates: [{ id: e.data.id, fields: { [fieldId]: null } }] }).catch((err: Error) => setStatus(err.message));
            }
          }}
          singleClickEdit={false}
          stopEditingWhenCellsLoseFocus
        />
      </div>
      {openRecord && <RecordPanel key={openRecord} engine={engine} base={base} table={table} recordId={openRecord} onClose={() => setOpenRecord(null)} />}
      </div>
    </div>
    </PreviewProvider>
  );
}


function ExportForm({ engine, base, table, view, onDone }: { engine: EngineClient; base: string; table: TableSchema; view: ViewSchema; onDone(message: string | null): void }): React.JSX.Element {
  const [path, setPath] = useState(`${table.name}.csv`);
  const [error, setError] = useState<string | null>(null);
  const shell = desktopShell();
  return (
    <form
      className="popover export-form"
      role="dialog"
      aria-label="Export CSV"
      onKeyDown={(e) => e.key === 'Escape' && onDone(null)}
      onSubmit={(e) => {
        e.preventDefault();
        engine['csv.export']({ base, table: table.id, view: view.id, path: path.trim() }).then(
          (r) => onDone(`Exported ${r.rows.toLocaleString()} ${r.rows === 1 ? 'record' : 'records'} of '${view.name}' to ${path.trim()}.`),
          (err: Error) => setError(err.message),
        );
      }}
    >
      <p className="muted">The records, fields and order of the view '{view.name}'.</p>
      <div className="row">
        <input aria-label="Export to file" value={path} onChange={(e) => setPath(e.target.value)} autoFocus spellCheck={false} />
        {shell && (
          <button type="button" onClick={() => void shell.showDialog({ kind: 'saveCsv', defaultName: `${table.name.replace(/[/\\\0]/g, '_')}.csv` }).then((p) => p && setPath(p))}>
            Browse…
          </button>
        )}
      </div>
      <div className="buttons">
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
        <button type="submit" className="primary">
          Export
        </button>
      </div>
      <ErrorLine message={error} />
    </form>
  );
}

function AddFieldForm({ onAdd, onCancel }: { onAdd(name: string, type: FieldType): Promise<void>; onCancel(): void }): React.JSX.Element {
  const [name, setName] = useState('');
  const [type, setType] = useState<FieldType>('singleLineText');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="add-field"
      onSubmit={(e) => {
        e.preventDefault();
        if (!name.trim()) {
          setError('Give the field a name.');
          return;
        }
        onAdd(name.trim(), type).catch((err: Error) => setError(err.message));
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') onCancel();
      }}
    >
      <input aria-label="Field name" placeholder="Field name" value={name} onChange={(e) => setName(e.target.value)} autoFocus />
      <select aria-label="Field type" value={type} onChange={(e) => setType(e.target.value as FieldType)}>
        {FIELD_TYPES.map((t) => (
          <option key={t} value={t}>
            {getFieldType(t).label}
          </option>
        ))}
      </select>
      <button type="submit">Add field</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <span className="error" role="alert">
          {error}
        </span>
      )}
    </form>
  );
}

/** The table's fields in the view's order (fields it does not list follow in table order). */
function orderedFields(table: TableSchema, view: ViewSchema): FieldSchema[] {
  const listed = view.fieldOrder.map((id) => table.fields.find((f) => f.id === id)).filter((f): f is FieldSchema => !!f);
  return [...listed, ...table.fields.filter((f) => !view.fieldOrder.includes(f.id))];
}
