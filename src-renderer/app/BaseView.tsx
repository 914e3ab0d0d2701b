/** An open base: its tables in a sidebar, the selected table's grid beside it. */
import { useCallback, useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo, BaseSchema } from '../../src-shared/api/engine.dto';
import { GridView } from '../grid/GridView';

interface Props {
  engine: EngineClient;
  base: BaseInfo;
  onClose(): void;
}

export function BaseView({ engine, base, onClose }: Props): React.JSX.Element {
  const [schema, setSchema] = useState<BaseSchema>(base.schema);
  const [tableId, setTableId] = useState<string | null>(base.schema.tables[0]?.id ?? null);
  const [newName, setNewName] = useState('');
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const s = await engine['schema.get']({ base: base.base });
    setSchema(s);
    setTableId((cur) => (cur && s.tables.some((t) => t.id === cur) ? cur : (s.tables[0]?.id ?? null)));
  }, [engine, base.base]);

  useEffect(() => engine.onDidChange((e) => {
    if (e.base === base.base && e.schema) void reload();
  }), [engine, base.base, reload]);

  const createTable = async (): Promise<void> => {
    const name = newName.trim();
    if (!name) return;
    try {
      const t = await engine['table.create']({ base: base.base, name });
      setNewName('');
      setError(null);
      await reload();
      setTableId(t.id);
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const table = schema.tables.find((t) => t.id === tableId) ?? null;
  return (
    <div className="base">
      <nav className="sidebar" aria-label="Tables">
        <header>
          <button type="button" className="link" onClick={onClose} title="Back to the start screen">
            ← Bases
          </button>
          <div className="base-name" title={base.path}>
            {base.path.split(/[\\/]/).pop()}
          </div>
        </header>
        <ul>
          {schema.tables.map((t) => (
            <li key={t.id}>
              <button type="button" className={t.id === tableId ? 'table-item selected' : 'table-item'} aria-current={t.id === tableId} onClick={() => setTableId(t.id)}>
                {t.name}
              </button>
            </li>
          ))}
        </ul>
        <form
          className="new-table"
          onSubmit={(e) => {
            e.preventDefault();
            void createTable();
          }}
        >
          <input aria-label="New table name" placeholder="New table" value={newName} onChange={(e) => setNewName(e.target.value)} />
          <button type="submit">Add</button>
        </form>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </nav>
      <section className="content">
        {table ? <GridView key={table.id} engine={engine} base={base.base} table={table} /> : <p className="empty">This base has no tables yet. Add one on the left.</p>}
      </section>
    </div>
  );
}
