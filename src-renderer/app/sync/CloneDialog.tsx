/**
 * Download a base from a team server into a new file on this machine and open it: the file's path
 * (a save dialog on the desktop, typed in a browser), progress by documents received, and a Cancel
 * that leaves no file behind.
 */
import { useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { BaseInfo, RemoteBase } from '../../../src-shared/api/engine.dto';
import { desktopShell } from '../../engine/desktop';
import { recentBases } from '../recent';
import { SyncDialog } from './SyncDialog';
import { hostOf, suggestedPath } from './sync-text';
import { useDialogSubmit } from './use-dialog-submit';
import { useEngineJob } from './use-engine-job';

interface Props {
  engine: EngineClient;
  server: string;
  workspace: { id: string; name: string };
  remote: RemoteBase;
  onCloned(info: BaseInfo): void;
  onClose(): void;
}

export function CloneDialog({ engine, server, workspace, remote, onCloned, onClose }: Props): React.JSX.Element {
  const [path, setPath] = useState(() => suggestedPath(remote.name, recentBases()));
  const { busy, error, setError, run } = useDialogSubmit();
  const { progress, cancelling, cancel, runJob } = useEngineJob(engine, onClose);
  const shell = desktopShell();

  const download = (): void => {
    const target = path.trim();
    if (!target) return setError('Type where to keep the base, for example /home/me/parts.base.');
    void run(() => runJob('clone', async (job) => onCloned(await engine['sync.clone']({ server, workspace: workspace.id, remoteBase: remote.id, path: target, job }))));
  };

  return (
    <SyncDialog title={`Download ${remote.name}`} busy={busy} error={error} submitLabel="Download" onSubmit={download} onCancel={cancel}>
      <p className="muted">
        From {workspace.name} on {hostOf(server)}. The copy on this computer stays in sync with the team while it is open.
      </p>
      <label htmlFor="clone-path">Save the base as</label>
      <div className="row">
        <input id="clone-path" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} readOnly={busy} autoFocus />
        {shell && (
          <button
            type="button"
            disabled={busy}
            onClick={() => void shell.showDialog({ kind: 'newBase', defaultName: suggestedPath(remote.name, []) }).then((p) => p && setPath(p))}
          >
            Browse…
          </button>
        )}
      </div>
      {busy && (
        <div className="progress">
          <progress aria-label="Download progress" max={progress?.total || 1} value={progress ? progress.done : undefined} />
          <span role="status">
            {cancelling
              ? 'Cancelling…'
              : progress && progress.total > 0
                ? `Receiving documents: ${progress.done.toLocaleString()} of ${progress.total.toLocaleString()}`
                : 'Connecting…'}
          </span>
        </div>
      )}
    </SyncDialog>
  );
}
