/**
 * Drawings dropped on a table (or chosen with "Add drawings…"): one record per file, made by the
 * engine's `drawings.add`. In a browser the files are uploaded first; the desktop app passes
 * paths. A panel shows every file's state (sending, reading, added, failed with the reason), the
 * count, and Cancel; failures stay listed until the panel is closed.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { ProgressEvent, TableSchema } from '../../../src-shared/api/engine.dto';
import { desktopShell } from '../../engine/desktop';
import { discardUpload, uploadFile, type Upload } from '../../engine/files';
import { carriesFiles, readDrop, type Dropped } from './dropped-files';

type ItemState = 'sending' | 'waiting' | 'added' | 'failed';

interface Item {
  name: string;
  state: ItemState;
  /** Sending: the fraction sent. */
  fraction?: number;
  error?: string;
}

interface Run {
  job: string;
  table: string;
  phase: 'sending' | 'reading' | 'finished' | 'cancelled' | 'failed';
  /** Files in the drop (known once folders are walked). */
  total: number | null;
  done: number;
  items: Item[];
  message?: string;
}

const baseName = (p: string): string => p.split(/[\\/]/).pop() ?? p;

/** A reason without the file's name in front (the list shows the name beside it). */
const withoutName = (message: string, name: string): string => (message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message);

let jobCounter = 0;

/** An attachment cell of a record: drawings dropped there join it instead of making records. */
export interface CellTarget {
  record: string;
  field: string;
}

/** The grid's attachment cell under a drop, if it is one (AG Grid marks rows and cells by id). */
function cellTargetOf(target: EventTarget | null, table: TableSchema | null): CellTarget | null {
  const cell = (target as Element | null)?.closest?.('.ag-cell[col-id]');
  const row = cell?.closest('.ag-row[row-id]');
  const field = cell?.getAttribute('col-id');
  const record = row?.getAttribute('row-id');
  if (!field || !record || !table?.fields.some((f) => f.id === field && f.type === 'attachment')) return null;
  return { record, field };
}

export interface DrawingDrop {
  /** Handlers for the element drawings may be dropped on. */
  zone: Pick<React.HTMLAttributes<HTMLElement>, 'onDragEnter' | 'onDragOver' | 'onDragLeave' | 'onDrop'>;
  /** Whether files are being dragged over it: over the table, or over a record's attachment cell. */
  over: false | 'table' | 'cell';
  /** Starts adding files chosen in a file input. */
  addFiles(files: File[]): void;
  /** The progress panel, or null. */
  panel: React.JSX.Element | null;
}

export function useDrawingDrop(engine: EngineClient, base: string, table: TableSchema | null, onError: (message: string) => void): DrawingDrop {
  const [over, setOver] = useState<false | 'table' | 'cell'>(false);
  const [run, setRun] = useState<Run | null>(null);
  const depth = useRef(0);
  const abort = useRef<AbortController | null>(null);
  const shell = desktopShell();

  // The engine's per-file progress for the running job.
  useEffect(
    () =>
      engine.onDidProgress((e: ProgressEvent) => {
        setRun((r) => {
          if (!r || e.job !== r.job || e.base !== base) return r;
          const items = r.items.slice();
          if (e.item) {
            const at = e.item.index;
            while (items.length <= at) items.push({ name: '', state: 'waiting' });
            items[at] = {
              name: items[at]!.name || baseName(e.item.file),
              state: e.item.error ? 'failed' : 'added',
              ...(e.item.error ? { error: e.item.error.message } : {}),
            };
          }
          return { ...r, phase: 'reading', total: e.total, done: e.done, items };
        });
      }),
    [engine, base],
  );

  const start = useCallback(
    async (dropped: Dropped, into: CellTarget | null = null): Promise<void> => {
      if (!table) {
        onError('Add a table first: drawings become records of a table.');
        return;
      }
      if (run && (run.phase === 'sending' || run.phase === 'reading')) {
        onError('Drawings are still being added; wait for them or cancel first.');
        return;
      }
      const job = `drop-${Date.now()}-${++jobCounter}`;
      const controller = new AbortController();
      abort.current = controller;
      let paths: string[];
      let uploads: Upload[] = [];
      if (dropped.kind === 'paths') {
        paths = dropped.paths;
        setRun({ job, table: table.name, phase: 'reading', total: null, done: 0, items: [] });
      } else {
        const files = dropped.files;
        if (files.length === 0) {
          onError('The dropped folder holds no drawings (DXF, PDF, PNG, JPEG or TIFF files).');
          return;
        }
        setRun({ job, table: table.name, phase: 'sending', total: files.length, done: 0, items: files.map((f) => ({ name: f.name, state: 'sending', fraction: 0 })) });
        const setItem = (i: number, patch: Partial<Item>): void =>
          setRun((r) => (r && r.job === job ? { ...r, items: r.items.map((it, k) => (k === i ? { ...it, ...patch } : it)) } : r));
        // A few at a time: the server writes each to disk as it comes.
        const results: Array<Upload | Error> = new Array(files.length);
        let next = 0;
        const worker = async (): Promise<void> => {
          while (next < files.length && !controller.signal.aborted) {
            const i = next++;
            try {
              results[i] = await uploadFile(files[i]!, { signal: controller.signal, onProgress: (f) => setItem(i, { fraction: f }) });
              setItem(i, { state: 'waiting', fraction: 1 });
            } catch (e) {
              results[i] = e as Error;
              if (!controller.signal.aborted) setItem(i, { state: 'failed', error: (e as Error).message });
            }
          }
        };
        await Promise.all([worker(), worker(), worker()]);
        uploads = results.filter((r): r is Upload => !(r instanceof Error));
        if (controller.signal.aborted) {
          uploads.forEach(discardUpload);
          setRun((r) => (r && r.job === job ? { ...r, phase: 'cancelled', message: 'Cancelled before any drawing was added.' } : r));
          return;
        }
        paths = uploads.map((u) => u.path);
        // The engine's item indexes count the files sent; keep the failed sends listed apart.
        const failedSends = files.flatMap((f, i) => (results[i] instanceof Error ? [{ name: f.name, state: 'failed' as const, error: (results[i] as Error).message }] : []));
        setRun((r) =>
          r && r.job === job
            ? { ...r, phase: 'reading', total: paths.length, done: 0, items: [...files.filter((_, i) => !(results[i] instanceof Error)).map((f) => ({ name: f.name, state: 'waiting' as const })), ...failedSends] }
            : r,
        );
        if (paths.length === 0) {
          setRun((r) => (r && r.job === job ? { ...r, phase: 'failed', message: 'No file could be sent.' } : r));
          return;
        }
      }
      try {
        const result = into
          ? await engine['drawings.attach']({ base, table: table.id, record: into.record, field: into.field, paths, job })
          : await engine['drawings.add']({ base, table: table.id, paths, job });
        const failed = result.files.filter((f) => f.error).length;
        const ok = result.files.length - failed;
        const what = `${ok} ${ok === 1 ? 'drawing' : 'drawings'}`;
        setRun((r) =>
          r && r.job === job
            ? { ...r, phase: 'finished', message: `${into ? `Attached ${what} to the record` : `Added ${what} to ${r.table}`}${failed ? `; ${failed} could not be read` : ''}.` }
            : r,
        );
      } catch (e) {
        const err = e as Error & { code?: string };
        setRun((r) => (r && r.job === job ? { ...r, phase: err.code === 'CANCELLED' ? 'cancelled' : 'failed', message: err.message } : r));
      } finally {
        uploads.forEach(discardUpload);
      }
    },
    [engine, base, table, run, onError],
  );

  const cancel = (): void => {
    abort.current?.abort();
    if (run) void engine['job.cancel']({ job: run.job }).catch(() => undefined);
  };

  // A finished run with nothing failed goes away by itself.
  useEffect(() => {
    if (run?.phase !== 'finished' || run.items.some((i) => i.state === 'failed')) return;
    const t = setTimeout(() => setRun(null), 10_000);
    return () => clearTimeout(t);
  }, [run]);

  const zone: DrawingDrop['zone'] = {
    onDragEnter: (e) => {
      if (!carriesFiles(e.dataTransfer)) return;
      depth.current++;
      setOver(cellTargetOf(e.target, table) ? 'cell' : 'table');
    },
    onDragOver: (e) => {
      if (!carriesFiles(e.dataTransfer)) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      const now = cellTargetOf(e.target, table) ? 'cell' : 'table';
      if (now !== over) setOver(now);
    },
    onDragLeave: (e) => {
      if (!carriesFiles(e.dataTransfer)) return;
      depth.current = Math.max(0, depth.current - 1);
      if (depth.current === 0) setOver(false);
    },
    onDrop: (e) => {
      depth.current = 0;
      setOver(false);
      const read = readDrop(e.dataTransfer, shell);
      // Bases and CSV files go on to the app's own drop handler.
      if (!read) return;
      e.preventDefault();
      e.stopPropagation();
      const into = cellTargetOf(e.target, table);
      read.then((d) => start(d, into), (err: Error) => onError(`The drop could not be read: ${err.message}`));
    },
  };

  const addFiles = (files: File[]): void => {
    if (files.length === 0) return;
    if (shell) void start({ kind: 'paths', paths: files.map((f) => shell.pathForFile(f)).filter(Boolean) });
    else void start({ kind: 'files', files });
  };

  const panel = run ? <DropPanel run={run} onCancel={cancel} onClose={() => setRun(null)} /> : null;
  return { zone, over, addFiles, panel };
}

function DropPanel({ run, onCancel, onClose }: { run: Run; onCancel(): void; onClose(): void }): React.JSX.Element {
  const busy = run.phase === 'sending' || run.phase === 'reading';
  const failed = run.items.filter((i) => i.state === 'failed').length;
  const total = run.total ?? run.items.length;
  const headline =
    run.phase === 'sending'
      ? `Sending ${total} ${total === 1 ? 'file' : 'files'}…`
      : run.phase === 'reading'
        ? run.total === null
          ? 'Looking for drawings…'
          : `Reading drawings: ${run.done} of ${total}`
        : (run.message ?? '');
  const fraction = run.phase === 'sending' ? run.items.reduce((s, i) => s + (i.fraction ?? 0), 0) / Math.max(1, run.items.length) : total ? run.done / total : 0;
  return (
    <section className="drop-panel" data-testid="drop-progress" aria-label="Adding drawings" data-phase={run.phase}>
      <header>
        <span role="status" aria-live="polite">
          {headline}
        </span>
        {busy ? (
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        ) : (
          <button type="button" className="icon" aria-label="Close" onClick={onClose}>
            ×
          </button>
        )}
      </header>
      {busy && <progress max={1} value={fraction} aria-label="Progress" />}
      {run.phase !== 'reading' && run.phase !== 'sending' && run.message && failed > 0 && <p className="drop-failures">{failed} failed:</p>}
      <ol className="drop-items">
        {run.items.map((item, i) =>
          busy || item.state === 'failed' ? (
            <li key={i} className={`drop-item ${item.state}`} title={item.error ?? item.name}>
              <span className="drop-name">{item.name}</span>
              <span className="drop-state">
                {item.state === 'sending' ? `${Math.round((item.fraction ?? 0) * 100)} %` : item.state === 'waiting' ? '…' : item.state === 'added' ? '✓' : withoutName(item.error ?? '', item.name)}
              </span>
            </li>
          ) : null,
        )}
      </ol>
    </section>
  );
}
