/**
 * Import a CSV file: preview (encoding, delimiter, rows, the type inferred for every column over
 * the whole file), choose each column's type or leave it out, then import with progress and a
 * Cancel that leaves nothing behind.
 */
import { useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { CsvPreview, TableSchema } from '../../src-shared/api/engine.dto';
import { getFieldType } from '../../src-shared/fields/field-registry';
import { FIELD_TYPES, type FieldType } from '../../src-shared/schema/schema.types';
import { desktopShell } from '../engine/desktop';
import { ErrorLine } from './Messages';

interface Props {
  engine: EngineClient;
  base: string;
  /** A file chosen before the dialog opened (a dialog or a drop): previewed at once. */
  initialPath?: string;
  onImported(table: TableSchema, count: number): void;
  onClose(): void;
}

interface Column {
  name: string;
  type: FieldType;
  options: unknown;
  skip: boolean;
}

export function ImportDialog({ engine, base, initialPath = '', onImported, onClose }: Props): React.JSX.Element {
  const [path, setPath] = useState(initialPath);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [columns, setColumns] = useState<Column[]>([]);
  const [table, setTable] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'import' | null>(null);
  const [progress, setProgress] = useState<{ phase: string; done: number; total: number } | null>(null);
  const job = useRef<string | null>(null);

  useEffect(
    () =>
      engine.onDidProgress((e) => {
        if (e.job === job.current) setProgress({ phase: e.phase, done: e.done, total: e.total });
      }),
    [engine],
  );

  const shell = desktopShell();
  const browse = async (): Promise<void> => {
    const p = await shell?.showDialog({ kind: 'openCsv' });
    if (!p) return;
    setPath(p);
    await loadPreview(p);
  };

  // A file chosen before the dialog opened is previewed at once (once: the effect has no deps).
  const initial = useRef(initialPath);
  useEffect(() => {
    if (initial.current) void loadPreview(initial.current);
  }, []);

  const loadPreview = async (file = path): Promise<void> => {
    if (!file.trim()) {
      setError('Type the path of a CSV file, for example /home/me/parts.csv.');
      return;
    }
    setBusy('preview');
    setError(null);
    try {
      const p = await engine['csv.preview']({ base, path: file.trim(), rows: 8 });
      setPreview(p);
      setColumns(p.columns.map((c) => ({ name: c.name, type: c.type, options: c.options, skip: false })));
      setTable(file.trim().split(/[\\/]/).pop()!.replace(/\.[^.]+$/, '') || 'Imported');
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  const runImport = async (): Promise<void> => {
    if (!table.trim()) {
      setError('Name the table to import into.');
      return;
    }
    job.current = `import-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    setBusy('import');
    setError(null);
    setProgress(null);
    try {
      const r = await engine['csv.import']({
        base,
        path: path.trim(),
        table: table.trim(),
        job: job.current,
        // Options inferred for the chosen type are kept; a changed type gets that type's defaults.
        columns: columns.map((c, i) => ({ name: c.name, type: c.type, ...(c.type === preview?.columns[i]?.type ? { options: c.options } : {}), ...(c.skip ? { skip: true } : {}) })),
      });
      onImported(r.table, r.imported);
    } catch (e) {
      setError((e as Error).message);
      setBusy(null);
    } finally {
      job.current = null;
    }
  };

  const pct = progress && progress.total > 0 ? Math.min(100, Math.round((progress.done / progress.total) * 100)) : 0;
  return (
    <div className="dialog-backdrop" role="presentation" onKeyDown={(e) => e.key === 'Escape' && busy !== 'import' && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby="import-title">
        <h2 id="import-title">Import CSV</h2>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void loadPreview();
          }}
        >
          <input
            aria-label="CSV file"
            placeholder="/path/to/file.csv"
            value={path}
            onChange={(e) => {
              // A preview belongs to the file it was made of.
              setPath(e.target.value);
              setPreview(null);
            }} spellCheck={false} autoFocus disabled={busy === 'import'} />
          {shell && (
            <button type="button" disabled={busy !== null} onClick={() => void browse()}>
              Browse…
            </button>
          )}
          <button type="submit" disabled={busy !== null}>
            Preview
          </button>
        </form>
        {preview && (
          <>
            <p className="muted">
              {preview.rowCount.toLocaleString()} rows · {preview.encoding} · delimiter {JSON.stringify(preview.delimiter)}
            </p>
            <div className="preview-wrap">
              <table className="preview">
                <thead>
                  <tr>
                    {columns.map((c, i) => (
                      <th key={i}>
                        <label className="skip">
                          <input
                            type="checkbox"
                            checked={!c.skip}
                            aria-label={`Import column ${c.name}`}
                            onChange={(e) => setColumns(columns.map((x, j) => (j === i ? { ...x, skip: !e.target.checked } : x)))}
                          />
                          {c.name}
                        </label>
                        <select
                          aria-label={`Type of column ${c.name}`}
                          value={c.type}
                          disabled={c.skip}
                          onChange={(e) => setColumns(columns.map((x, j) => (j === i ? { ...x, type: e.target.value as FieldType } : x)))}
                        >
                          {FIELD_TYPES.filter((t) => !getFieldType(t).computed).map((t) => (
                            <option key={t} value={t}>
                              {getFieldType(t).label}
                            </option>
                          ))}
                        </select>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {preview.rows.map((r, i) => (
                    <tr key={i}>
                      {r.map((v, j) => (
                        <td key={j} className={columns[j]?.skip ? 'skipped' : ''}>
                          {v}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row">
              <label htmlFor="import-table">Into table</label>
              <input id="import-table" value={table} onChange={(e) => setTable(e.target.value)} disabled={busy === 'import'} />
            </div>
          </>
        )}
        {busy === 'import' && (
          <div className="progress" aria-label="Import progress">
            <progress max={100} value={pct} />
            <span>{progress ? `${progress.phase === 'analyzing' ? 'Reading' : 'Importing'} · ${pct}%` : 'Starting…'}</span>
          </div>
        )}
        <ErrorLine message={error} />
        <div className="buttons end">
          {busy === 'import' ? (
            <button type="button" onClick={() => job.current && void engine['job.cancel']({ job: job.current })}>
              Cancel import
            </button>
          ) : (
            <>
              <button type="button" onClick={onClose}>
                Close
              </button>
              <button type="button" className="primary" disabled={!preview || busy !== null} onClick={() => void runImport()}>
                Import
              </button>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
