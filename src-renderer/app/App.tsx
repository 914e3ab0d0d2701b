/**
 * The app: connect to the engine, then the start screen or an open base. Menu commands (desktop)
 * and dropped files arrive here first; what concerns the open base goes on as an AppCommand.
 */
import { useCallback, useEffect, useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo } from '../../src-shared/api/engine.dto';
import { ENGINE_LOST, connectEngine } from '../engine/connect';
import { desktopShell, sendAppCommand } from '../engine/desktop';
import { StartScreen } from './StartScreen';
import { BaseView } from './BaseView';
import { rememberBase } from './recent';

const shell = desktopShell();

/** What a dropped file is to the app, by its name. */
function droppedKind(name: string): 'base' | 'csv' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith('.base')) return 'base';
  if (/\.(csv|tsv|txt)$/.test(lower)) return 'csv';
  return null;
}

export function App(): React.JSX.Element {
  const [engine, setEngine] = useState<EngineClient | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [base, setBase] = useState<BaseInfo | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [lost, setLost] = useState<string | null>(null);

  useEffect(() => {
    connectEngine().then(setEngine, (e: Error) => setError(e.message));
    const onLost = (e: Event): void => setLost((e as CustomEvent<string>).detail);
    window.addEventListener(ENGINE_LOST, onLost);
    return () => window.removeEventListener(ENGINE_LOST, onLost);
  }, []);

  const opened = useCallback((info: BaseInfo | null) => {
    if (info) rememberBase(info.path);
    setBase(info);
    setProblem(null);
    shell?.baseOpened(info ? info.path : null);
  }, []);

  /** Creates or opens a base and shows it; fails with the engine's error. */
  const openBase = useCallback(
    async (what: 'create' | 'open', path: string): Promise<void> => {
      if (!engine) throw new Error('The engine is not connected yet.');
      opened(await (what === 'create' ? engine['base.create']({ path }) : engine['base.open']({ path })));
    },
    [engine, opened],
  );
  /** The same from a menu or a drop: an error shows in the app's problem line. */
  const open = useCallback(
    async (what: 'create' | 'open', path: string | null): Promise<void> => {
      if (!path) return;
      await openBase(what, path).catch((e: Error) => setProblem(e.message));
    },
    [openBase],
  );

  // Desktop menus: the base commands are the app's; the rest go to the open base. Commands wait
  // in the preload until the engine is connected and this listens.
  useEffect(
    () =>
      engine === null
        ? undefined
        : shell?.onMenuCommand((c) => {
        if (c.command === 'base.new') void shell.showDialog({ kind: 'newBase' }).then((p) => open('create', p));
        else if (c.command === 'base.open') void shell.showDialog({ kind: 'openBase' }).then((p) => open('open', p));
        else if (c.command === 'base.openPath') void open('open', c.path);
        else if (c.command === 'base.close') opened(null);
        else if (base) sendAppCommand(c);
        else if (c.command === 'csv.import' || c.command === 'csv.export') setProblem('Open a base first: CSV files are imported into, and exported from, a base.');
      }),
    [engine, open, opened, base],
  );

  // Files dropped on the window: a base opens; a CSV file is imported into the open base.
  useEffect(() => {
    const over = (e: DragEvent): void => {
      if (e.dataTransfer?.types.includes('Files')) {
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
      }
    };
    const drop = (e: DragEvent): void => {
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      const kind = droppedKind(file.name);
      if (!kind) {
        setProblem(
          base
            ? `To add '${file.name}' as a drawing, drop it on the table; elsewhere Baseplate opens .base files and imports .csv files.`
            : `Baseplate opens .base files and imports .csv files; '${file.name}' is neither. Open a base and drop drawings on one of its tables.`,
        );
        return;
      }
      const path = shell?.pathForFile(file) ?? '';
      if (!path) {
        setProblem(`This browser does not tell Baseplate where '${file.name}' is on disk. Type its path instead, or use the desktop app, which takes dropped files.`);
        return;
      }
      if (kind === 'base') void open('open', path);
      else if (base) sendAppCommand({ command: 'csv.importPath', path });
      else setProblem(`Open or create a base first, then drop '${file.name}' on it to import it.`);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
    };
  }, [open, base]);

  if (error) return <div className="fatal" role="alert">{error}</div>;
  const banners = (
    <>
      {lost && (
        <div className="lost" role="alert">
          {shell
            ? `The Baseplate engine stopped (${lost}).`
            : `The connection to the Baseplate engine was lost (${lost}); your saved work is safe in the base file. Start it again (npm start or baseplate serve) and open the new address.`}
        </div>
      )}
      {problem && (
        <div className="app-problem" role="alert">
          <span>{problem}</span>
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => setProblem(null)}>
            ×
          </button>
        </div>
      )}
    </>
  );
  if (!engine) return <div className="loading">Connecting…</div>;
  return (
    <>
      {banners}
      {base ? <BaseView engine={engine} base={base} onClose={() => opened(null)} /> : <StartScreen engine={engine} onOpen={openBase} onOpened={opened} />}
    </>
  );
}
