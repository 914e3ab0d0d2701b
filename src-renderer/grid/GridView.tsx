/**
 * A table's grid: AG Grid's infinite row model fed by engine queries, a block of rows at a time,
 * so a table of any size opens at once and scrolls without loading everything. Cells edit in
 * place; other people's and other windows' changes refresh the visible rows.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { AgGridReact } from 'ag-grid-react';
import {
  AllCommunityModule, ModuleRegistry, colorSchemeDark, themeQuartz,
  type CellValueChangedEvent, type ColDef, type GridApi, type IDatasource, type ValueFormatterParams,
} from 'ag-grid-community';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { RecordOut, TableSchema } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import type { CellValue } from '../../src-shared/schema/schema.types';

ModuleRegistry.registerModules([AllCommunityModule]);

const BLOCK = 100;
const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
const theme = dark ? themeQuartz.withPart(colorSchemeDark) : themeQuartz;

interface Props {
  engine: EngineClient;
  base: string;
  table: TableSchema;
}

export function GridView({ engine, base, table }: Props): React.JSX.Element {
  const api = useRef<GridApi<RecordOut> | null>(null);
  const [count, setCount] = useState<number | null>(null);
  const [status, setStatus] = useState<string | null>(null);

  const columns = useMemo<Array<ColDef<RecordOut>>>(
    () => [
      {
        headerName: '',
        colId: '#',
        width: 64,
        pinned: 'left',
        sortable: false,
        editable: false,
        cellClass: 'row-number',
        valueGetter: (p) => (p.node?.rowIndex ?? 0) + 1,
      },
      ...table.fields.map((f): ColDef<RecordOut> => {
        const def = getFieldType(f.type);
        return {
          colId: f.id,
          headerName: f.name,
          field: `fields.${f.id}` as never,
          editable: !def.computed,
          sortable: false,
          valueFormatter: (p: ValueFormatterParams<RecordOut>) => formatCell(p.value as CellValue | undefined),
          cellDataType: false,
        };
      }),
    ],
    [table],
  );

  const datasource = useMemo<IDatasource>(
    () => ({
      getRows: (params) => {
        engine['records.query']({ base, table: table.id, offset: params.startRow, limit: params.endRow - params.startRow, keys: 'id' }).then(
          (page) => {
            setCount(page.total);
            params.successCallback(page.records, page.total);
          },
          (e: Error) => {
            setStatus(e.message);
            params.failCallback();
          },
        );
      },
    }),
    [engine, base, table.id],
  );

  useEffect(
    () =>
      engine.onDidChange((e) => {
        if (e.base === base && e.tables.includes(table.id)) api.current?.refreshInfiniteCache();
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

  const addRecord = async (): Promise<void> => {
    try {
      await engine['records.create']({ base, table: table.id, records: [{}] });
      api.current?.refreshInfiniteCache();
      const total = (await engine['records.count']({ base, table: table.id })).count;
      api.current?.ensureIndexVisible(total - 1, 'bottom');
    } catch (e) {
      setStatus((e as Error).message);
    }
  };

  return (
    <div className="grid-view">
      <div className="toolbar">
        <h2>{table.name}</h2>
        <span className="count" aria-live="polite">
          {count === null ? '' : `${count.toLocaleString()} ${count === 1 ? 'record' : 'records'}`}
        </span>
        <button type="button" onClick={() => void addRecord()}>
          + Add record
        </button>
      </div>
      {status && (
        <p className="error" role="alert">
          {status}
        </p>
      )}
      <div className="grid">
        <AgGridReact<RecordOut>
          theme={theme}
          rowModelType="infinite"
          datasource={datasource}
          cacheBlockSize={BLOCK}
          maxBlocksInCache={50}
          columnDefs={columns}
          getRowId={(p) => p.data.id}
          onGridReady={(e) => (api.current = e.api)}
          onCellValueChanged={onEdit}
          singleClickEdit={false}
          stopEditingWhenCellsLoseFocus
        />
      </div>
    </div>
  );
}

function formatCell(value: CellValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'boolean') return value ? '✓' : '';
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v))).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
