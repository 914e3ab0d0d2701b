/**
 * Start screen: recent bases, create a base, open a base: with the system's file dialogs in the
 * desktop app, by typing a path in either. Below them, the team servers this machine is signed in
 * to and their bases, and joining a workspace with an invitation link (app/sync/TeamSection.tsx).
 */
import { useState } from 'react';
import type { EngineClient } from '../../src-shared/api/engine.contract';
import type { BaseInfo } from '../../src-shared/api/engine.dto';
import { desktopShell } from '../engine/desktop';
import { forgetBase, recentBases } from './recent';
import { ErrorLine } from './Messages';
import { TeamSection } from './sync/TeamSection';

interface Props {
  engine: EngineClient;
  /** Creates or opens the base at `path` and shows it; fails with a message to show here. */
  onOpen(what: 'create' | 'open', path: string): Promise<void>;
  /** Shows a base the engine has already opened (one downloaded from a team server). */
  onOpened(info: BaseInfo): void;
}

export function StartScreen({ engine, onOpen, onOpened }: Props): React.JSX.Element {
  const [path, setPath] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState(recentBases);

  const shell = desktopShell();
  const browse = async (what: 'create' | 'open'): Promise<void> => {
    const p = await shell?.showDialog({ kind: what === 'create' ? 'newBase' : 'openBase' });
    if (p) await run(what, p);
  };

  const run = async (what: 'create' | 'open', target: string): Promise<void> => {
    const p = target.trim();
    if (!p) {
      setError('Type the path of a base file first, for example /home/me/parts.base.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await onOpen(what, p);
    } catch (e) {
      setError((e as Error).message);
      setBusy(false);
    }
  };

  return (
    <main className="start">
      <h1>Baseplate</h1>
      <p className="tagline">A local-first database for engineering teams.</p>
      {shell && (
        <div className="buttons start-native">
          <button type="button" className="primary" disabled={busy} onClick={() => void browse('create')}>
            New base…
          </button>
          <button type="button" disabled={busy} onClick={() => void browse('open')}>
            Open base…
          </button>
        </div>
      )}
      <form
        className="start-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run('open', path);
        }}
      >
        <label htmlFor="base-path">Base file</label>
        <input
          id="base-path"
          value={path}
          onChange={(e) => setPath(e.target.value)}
          placeholder="/path/to/parts.base"
          spellCheck={false}
          autoFocus
        />
        <div className="buttons">
          <button type="submit" disabled={busy}>
            Open
          </button>
          <button type="button" disabled={busy} onClick={() => void run('create', path)}>
            Create new base
          </button>
        </div>
        <ErrorLine message={error} />
      </form>
      {recent.length > 0 && (
        <section className="recent" aria-label="Recent bases">
          <h2>Recent</h2>
          <ul>
            {recent.map((p) => (
              <li key={p}>
                <button type="button" className="link" disabled={busy} onClick={() => void run('open', p)}>
                  {p}
                </button>
                <button
                  type="button"
                  className="icon"
                  aria-label={`Remove ${p} from the list`}
                  onClick={() => {
                    forgetBase(p);
                    setRecent(recentBases());
                  }}
                >
                  ×
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
      <TeamSection engine={engine} busy={busy} onOpenPath={(p) => void run('open', p)} onOpened={onOpened} />
    </main>
  );
}
