/**
 * An open base: its tables in a sidebar, the selected table's grid beside it. A synced base also
 * shows its sync state and who else is in it (app/sync/), and is read-only for viewers.
 */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { isDrawingFileName } from '../../src-shared/drawing/drawing-files';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo, BaseSchema } from '../../src-shared/api/engine.dto';
import { GridView } from '../grid/GridView';
import { desktopShell, onAppCommand } from '../engine/desktop';
import { ImportDialog } from './ImportDialog';
import { useDrawingDrop } from './drawings/DrawingDrop';
import { DrawingMappingDialog } from './DrawingMappingDialog';
import { ErrorLine, NoticeLine } from './Messages';
import { SyncBadge } from './sync/SyncBadge';
import { PeerAvatars, PeersAtTable } from './sync/Presence';
import { peerCellsOf } from './sync/grid-presence';
import { READ_ONLY_NOTE, isReadOnlyRole } from './sync/sync-text';
import { usePeers, usePresenceReporter, useSyncStatus } from './sync/use-sync';

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
  const [notice, setNotice] = useState<string | null>(null);
  const [importing, setImporting] = useState<{ path: string } | null>(null);
  const [renaming, setRenaming] = useState<{ id: string; name: string } | null>(null);
  const [confirmDelete, setConfirmDelete] = useState<string | null>(null);
  const [mapping, setMapping] = useState(false);
  const [syncStatus, setSyncStatus] = useSyncStatus(engine, base.base);
  const synced = !!syncStatus && syncStatus.state !== 'local';
  const readOnly = synced && isReadOnlyRole(syncStatus.role);
  const peers = usePeers(engine, base.base, synced);
  const reportCell = usePresenceReporter(engine, base.base, synced, tableId);

  const reload = useCallback(async () => {
    const s = await engine['schema.get']({ base: base.base });
    setSchema(s);
    setTableId((cur) => (cur && s.tables.some((t) => t.id === cur) ? cur : (s.tables[0]?.id ?? null)));
  }, [engine, base.base]);

  useEffect(() => engine.onDidChange((e) => {
    if (e.base === base.base && e.schema) void reload();
  }), [engine, base.base, reload]);

  // Notices are for the moment after an action.
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(t);
  }, [notice]);

  const undoRedo = useCallback(
    (redo: boolean): void => {
      (redo ? engine['undo.redo']({ base: base.base }) : engine['undo.undo']({ base: base.base })).then(
        (state) => {
          setError(null);
          setNotice(redo ? null : state.redoLabel ? `Undid: ${state.redoLabel}` : null);
        },
        (err: Error) => setError(err.message),
      );
    },
    [engine, base.base],
  );

  // Undo/redo of this client's own changes, anywhere in the base but in a text field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.altKey) return;
      if (isTextField(e.target)) return;
      const key = e.key.toLowerCase();
      if (key !== 'z' && key !== 'y') return;
      e.preventDefault();
      undoRedo(key === 'y' || e.shiftKey);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [undoRedo]);

  // Menu commands (desktop) and dropped CSV files.
  useEffect(
    () =>
      onAppCommand((c) => {
        if (c.command === 'edit.undo' || c.command === 'edit.redo') {
          // In a text field the menu means the field's own undo, as its keys do.
          if (isTextField(document.activeElement)) document.execCommand(c.command === 'edit.undo' ? 'undo' : 'redo');
          else undoRedo(c.command === 'edit.redo');
        } else if (c.command === 'csv.importPath') {
          setImporting({ path: c.path });
        } else if (c.command === 'csv.import') {
          const shell = desktopShell();
          if (!shell) setImporting({ path: '' });
          else void shell.showDialog({ kind: 'openCsv' }).then((p) => p && setImporting({ path: p }));
        }
      }),
    [undoRedo],
  );

  const renameTable = async (id: string, name: string): Promise<void> => {
    setRenaming(null);
    const current = schema.tables.find((t) => t.id === id);
    if (!name.trim() || name.trim() === current?.name) return;
    try {
      await engine['table.rename']({ base: base.base, table: id, name: name.trim() });
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const moveTable = async (id: string, by: -1 | 1): Promise<void> => {
    const ids = schema.tables.map((t) => t.id);
    const at = ids.indexOf(id);
    const to = at + by;
    if (at < 0 || to < 0 || to >= ids.length) return;
    // `before` is the table it ends up in front of (null: last).
    const rest = ids.filter((x) => x !== id);
    const before = rest[to] ?? null;
    try {
      await engine['table.move']({ base: base.base, table: id, before });
      await reload();
    } catch (e) {
      setError((e as Error).message);
    }
  };

  const deleteTable = async (id: string): Promise<void> => {
    setConfirmDelete(null);
    const name = schema.tables.find((t) => t.id === id)?.name ?? '';
    try {
      await engine['table.delete']({ base: base.base, table: id });
      await reload();
      setNotice(`Deleted table '${name}'. Ctrl+Z brings it back.`);
    } catch (e) {
      setError((e as Error).message);
    }
  };

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
  const peerCells = useMemo(() => peerCellsOf(peers, table), [peers, table]);
  const drop = useDrawingDrop(engine, base.base, table, setError);
  const filePicker = useRef<HTMLInputElement | null>(null);
  const folderPicker = useRef<HTMLInputElement | null>(null);
  const picked = (e: React.ChangeEvent<HTMLInputElement>): void => {
    drop.addFiles(Array.from(e.target.files ?? []));
    e.target.value = '';
  };
  const baseName = base.path.split(/[\\/]/).pop() ?? base.path;
  return (
    <div className="base">
      <nav className="sidebar" aria-label="Tables">
        <header>
          <button type="button" className="link" onClick={onClose} title="Back to the start screen">
            ← Bases
          </button>
          <div className="base-name" title={base.path}>
            {baseName}
          </div>
          <div className="base-sync">
            {syncStatus && <SyncBadge engine={engine} base={base.base} baseName={baseName} status={syncStatus} onStatus={setSyncStatus} />}
            <PeerAvatars peers={peers} />
          </div>
          {readOnly && (
            <p className="read-only-note" role="note">
              {READ_ONLY_NOTE}
            </p>
          )}
        </header>
        <ul>
          {schema.tables.map((t) => (
            <li key={t.id}>
              {renaming?.id === t.id ? (
                <input
                  aria-label={`Rename table ${t.name}`}
                  value={renaming.name}
                  autoFocus
                  onChange={(e) => setRenaming({ id: t.id, name: e.target.value })}
                  onBlur={() => void renameTable(t.id, renaming.name)}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') void renameTable(t.id, renaming.name);
                    if (e.key === 'Escape') setRenaming(null);
                  }}
                />
              ) : (
                <div className="table-row">
                  <button
                    type="button"
                    className={t.id === tableId ? 'table-item selected' : 'table-item'}
                    aria-current={t.id === tableId}
                    title="Double-click or F2 to rename; Alt+↑/↓ to move"
                    onClick={() => setTableId(t.id)}
                    onDoubleClick={() => !readOnly && setRenaming({ id: t.id, name: t.name })}
                    onKeyDown={(e) => {
                      if (readOnly) return;
                      if (e.key === 'F2') setRenaming({ id: t.id, name: t.name });
                      if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
                        e.preventDefault();
                        void moveTable(t.id, e.key === 'ArrowUp' ? -1 : 1);
                      }
                    }}
                  >
                    {t.name}
                  </button>
                  <PeersAtTable peers={peers} table={t} />
                  {!readOnly && (
                    <button type="button" className="icon" aria-label={`Delete table ${t.name}`} onClick={() => setConfirmDelete(t.id)}>
                      ×
                    </button>
                  )}
                </div>
              )}
              {confirmDelete === t.id && (
                <div className="confirm" role="alertdialog" aria-label={`Delete table ${t.name}?`}>
                  <span>
                    Delete table <b>{t.name}</b> and its records?
                  </span>
                  <div className="buttons">
                    <button type="button" className="primary" onClick={() => void deleteTable(t.id)} autoFocus>
                      Delete
                    </button>
                    <button type="button" onClick={() => setConfirmDelete(null)}>
                      Cancel
                    </button>
                  </div>
                </div>
              )}
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
          <input aria-label="New table name" placeholder="New table" value={newName} onChange={(e) => setNewName(e.target.value)} disabled={readOnly} />
          <button type="submit" disabled={readOnly}>
            Add
          </button>
        </form>
        <button type="button" disabled={readOnly} onClick={() => setImporting({ path: '' })}>
          Import CSV…
        </button>
        <button type="button" disabled={!table || readOnly} title="One record per drawing (DXF, PDF, PNG, JPEG, TIFF); or drop files or folders on the table" onClick={() => filePicker.current?.click()}>
          Add drawings…
        </button>
        <button type="button" disabled={!table || readOnly} title="Every drawing in a folder and its subfolders, one record each" onClick={() => folderPicker.current?.click()}>
          Add a folder of drawings…
        </button>
        <button type="button" disabled={!table || readOnly} title="Which values read from drawings go into which fields; apply them again" onClick={() => setMapping(true)}>
          Drawing fields…
        </button>
        <input ref={filePicker} type="file" multiple hidden accept=".dxf,.pdf,.png,.jpg,.jpeg,.tif,.tiff" data-testid="add-drawings-input" onChange={picked} />
        <input
          ref={(el) => {
            folderPicker.current = el;
            el?.setAttribute('webkitdirectory', '');
          }}
          type="file"
          hidden
          data-testid="add-folder-input"
          onChange={(e) => {
            // A folder input lists every file in it; the drawings among them are added.
            const files = Array.from(e.target.files ?? []).filter((f) => isDrawingFileName(f.name) && !f.webkitRelativePath.split('/').some((p) => p.startsWith('.')));
            drop.addFiles(files);
            if (e.target.files?.length && files.length === 0) setError('That folder holds no drawings (DXF, PDF, PNG, JPEG or TIFF files).');
            e.target.value = '';
          }}
        />
        <ErrorLine message={error} />
        <NoticeLine message={notice} />
      </nav>
      {mapping && table && <DrawingMappingDialog client={engine} base={base.base} table={table.id} onClose={() => setMapping(false)} />}
      {importing && (
        <ImportDialog
          engine={engine}
          base={base.base}
          initialPath={importing.path}
          onClose={() => setImporting(null)}
          onImported={(t, count) => {
            setImporting(null);
            setNotice(`Imported ${count.toLocaleString()} records into '${t.name}'.`);
            void reload().then(() => setTableId(t.id));
          }}
        />
      )}
      <section className={drop.over ? 'content drop-target' : 'content'} {...drop.zone}>
        {table ? (
          <GridView key={table.id} engine={engine} base={base.base} table={table} readOnly={readOnly} peerCells={peerCells} onCellFocus={reportCell} />
        ) : (
          <p className="empty">This base has no tables yet. Add one on the left.</p>
        )}
        {drop.over && (
          <div className={`drop-overlay ${drop.over}`} data-testid="drop-overlay" aria-hidden="true">
            {!table ? 'Add a table first' : drop.over === 'cell' ? 'Drop to attach the drawings to this record' : `Drop drawings or folders: one record per drawing in ${table.name}`}
          </div>
        )}
        {drop.panel}
      </section>
    </div>
  );
}

function isTextField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'SELECT' || el.tagName === 'TEXTAREA' || el.isContentEditable);
}
