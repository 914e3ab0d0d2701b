/** The table's views as tabs: switch, create, rename (double-click), duplicate, delete. */
import { useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { TableSchema, ViewSchema } from '../../src-shared/api/engine.dto';

interface Props {
  engine: EngineClient;
  base: string;
  table: TableSchema;
  view: ViewSchema;
  onSelect(viewId: string): void;
  onError(message: string): void;
}

export function ViewBar({ engine, base, table, view, onSelect, onError }: Props): React.JSX.Element {
  const [renaming, setRenaming] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [confirm, setConfirm] = useState(false);

  const act = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      onError((e as Error).message);
      return undefined;
    }
  };
  const uniqueName = (wanted: string): string => {
    const taken = new Set(table.views.map((v) => v.name.toLowerCase()));
    let n = wanted;
    for (let i = 2; taken.has(n.toLowerCase()); i++) n = `${wanted} ${i}`;
    return n;
  };
  const rename = async (id: string): Promise<void> => {
    setRenaming(null);
    const v = table.views.find((x) => x.id === id);
    if (!name.trim() || name.trim() === v?.name) return;
    await act(() => engine['view.update']({ base, table: table.id, view: id, name: name.trim() }));
  };

  return (
    <div className="view-bar" role="tablist" aria-label="Views">
      {table.views.map((v) =>
        renaming === v.id ? (
          <input
            key={v.id}
            aria-label={`Rename view ${v.name}`}
            value={name}
            autoFocus
            onChange={(e) => setName(e.target.value)}
            onBlur={() => void rename(v.id)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') void rename(v.id);
              if (e.key === 'Escape') setRenaming(null);
            }}
          />
        ) : (
          <button
            key={v.id}
            type="button"
            role="tab"
            aria-selected={v.id === view.id}
            className={v.id === view.id ? 'view-tab selected' : 'view-tab'}
            title="Double-click to rename"
            onClick={() => onSelect(v.id)}
            onDoubleClick={() => {
              setName(v.name);
              setRenaming(v.id);
            }}
          >
            {v.name}
          </button>
        ),
      )}
      <button
        type="button"
        className="icon"
        aria-label="New view"
        onClick={async () => {
          const created = await act(() => engine['view.create']({ base, table: table.id, name: uniqueName('Grid view') }));
          if (created) onSelect(created.id);
        }}
      >
        +
      </button>
      <span className="spacer" />
      <button
        type="button"
        className="link"
        onClick={async () => {
          const { id: _, ...props } = view;
          const created = await act(() => engine['view.create']({ base, table: table.id, ...props, name: uniqueName(`${view.name} copy`) }));
          if (created) onSelect(created.id);
        }}
      >
        Duplicate view
      </button>
      {table.views.length > 1 &&
        (confirm ? (
          <span className="confirm-inline" role="alertdialog" aria-label={`Delete view ${view.name}?`}>
            Delete view {view.name}?
            <button
              type="button"
              onClick={async () => {
                setConfirm(false);
                const next = table.views.find((v) => v.id !== view.id)!;
                onSelect(next.id);
                await act(() => engine['view.delete']({ base, table: table.id, view: view.id }));
              }}
            >
              Delete
            </button>
            <button type="button" onClick={() => setConfirm(false)}>
              Cancel
            </button>
          </span>
        ) : (
          <button type="button" className="link" onClick={() => setConfirm(true)}>
            Delete view
          </button>
        ))}
    </div>
  );
}
