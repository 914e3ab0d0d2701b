/**
 * Download every base of a workspace this computer has no copy of into one folder (each named
 * after its base), with progress by bases and a Cancel that keeps those already downloaded.
 */
import { useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { RemoteWorkspace } from '../../../src-shared/api/engine.dto';
import { recentBases } from '../recent';
import { SyncDialog } from './SyncDialog';
import { hostOf } from './sync-text';
import { useDialogSubmit } from './use-dialog-submit';
import { useEngineJob } from './use-engine-job';

interface Props {
  engine: EngineClient;
  server: string;
  workspace: RemoteWorkspace;
  onDone(count: number): void;
  onClose(): void;
}

/** The folder of the most recent base, as a place to suggest. */
function recentFolder(): string {
  const last = recentBases()[0] ?? '';
  const at = Math.max(last.lastIndexOf('/'), last.lastIndexOf('\\'));
  return at > 0 ? last.slice(0, at) : '';
}

export function CloneAllDialog({ engine, server, workspace, onDone, onClose }: Props): React.JSX.Element {
  const missing = workspace.bases.filter((b) => b.localPath === null);
  const [folder, setFolder] = useState(recentFolder);
  const { busy, error, setError, run } = useDialogSubmit();
  const { progress, cancelling, cancel, runJob } = useEngineJob(engine, onClose);

  const download = (): void => {
    const target = folder.trim();
    if (!target) return setError('Type the folder to keep the bases in, for example /home/me/team.');
    void run(() => runJob('clone-all', async (job) => onDone((await engine['sync.cloneWorkspace']({ server, workspace: workspace.id, folder: target, job })).length)));
  };

  return (
    <SyncDialog title={`Download all of ${workspace.name}`} busy={busy} error={error} submitLabel="Download all" onSubmit={download} onCancel={cancel}>
      <p className="muted">
        {missing.length === 1 ? '1 base' : `${missing.length} bases`} from {hostOf(server)}: {missing.map((b) => b.name).join(', ')}. Each stays in sync with the team
        while it is open.
      </p>
      <label htmlFor="clone-all-folder">Into the folder</label>
      <input id="clone-all-folder" value={folder} onChange={(e) => setFolder(e.target.value)} spellCheck={false} readOnly={busy} autoFocus />
      {busy && (
        <div className="progress">
          <progress aria-label="Download progress" max={progress?.total || 1} value={progress ? progress.done : undefined} />
          <span role="status">
            {cancelling ? 'Cancelling…' : progress && progress.total > 0 ? `Bases downloaded: ${progress.done} of ${progress.total}` : 'Connecting…'}
          </span>
        </div>
      )}
    </SyncDialog>
  );
}
