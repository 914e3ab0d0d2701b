/**
 * An open base's sync state, always in view in its header: a compact badge (its words are a live
 * region, so screen readers hear changes) that opens the details: server, workspace, who this is
 * signed in as and with what role, when it last synced; Retry now, Stop syncing, and for a local
 * base, Publish to a team server.
 */
import { useEffect, useId, useRef, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { SyncStatus } from '../../../src-shared/api/engine.dto';
import { ErrorLine, NoticeLine } from '../Messages';
import { PublishDialog } from './PublishDialog';
import { ROLE_LABEL, badgeText, badgeTitle, errorText, formatTime, hostOf } from './sync-text';
import { useDialogFocus } from './use-dialog-focus';

interface Props {
  engine: EngineClient;
  base: string;
  baseName: string;
  status: SyncStatus;
  onStatus(status: SyncStatus): void;
}

export function SyncBadge({ engine, base, baseName, status, onStatus }: Props): React.JSX.Element {
  const [open, setOpen] = useState<'details' | 'publish' | null>(null);
  const textId = useId();
  const text = badgeText(status);
  const badge = useRef<HTMLButtonElement>(null);
  // The publish dialog opens from the details, which are gone by the time it closes: its focus has
  // nowhere to go back to, so the badge takes it.
  const fromPublish = useRef(false);
  useEffect(() => {
    if (open === 'publish') fromPublish.current = true;
    else if (fromPublish.current) {
      fromPublish.current = false;
      if (!document.activeElement || document.activeElement === document.body) badge.current?.focus();
    }
  }, [open]);
  return (
    <>
      <button
        ref={badge}
        type="button"
        className={`sync-badge sync-${status.state}`}
        aria-label="Sync status"
        aria-describedby={textId}
        aria-haspopup="dialog"
        aria-expanded={open !== null}
        title={badgeTitle(status)}
        onClick={() => setOpen('details')}
      >
        <span className="sync-dot" aria-hidden="true" />
        <span id={textId} role="status" aria-live="polite">
          {text}
        </span>
      </button>
      {open === 'details' && (
        <SyncDetails engine={engine} base={base} status={status} onStatus={onStatus} onPublish={() => setOpen('publish')} onClose={() => setOpen(null)} />
      )}
      {open === 'publish' && (
        <PublishDialog
          engine={engine}
          base={base}
          baseName={baseName}
          onPublished={(s) => {
            onStatus(s);
            setOpen(null);
          }}
          onClose={() => setOpen(null)}
        />
      )}
    </>
  );
}

interface DetailsProps {
  engine: EngineClient;
  base: string;
  status: SyncStatus;
  onStatus(status: SyncStatus): void;
  onPublish(): void;
  onClose(): void;
}

function SyncDetails({ engine, base, status, onStatus, onPublish, onClose }: DetailsProps): React.JSX.Element {
  const [confirmStop, setConfirmStop] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const { ref, onKeyDown } = useDialogFocus<HTMLDivElement>(onClose);

  const act = async (what: 'sync.retry' | 'sync.unlink'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      onStatus(await engine[what]({ base }));
      if (what === 'sync.unlink') onClose();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
      setConfirmStop(false);
    }
  };

  const local = status.state === 'local';
  return (
    <div className="dialog-backdrop" role="presentation" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={ref} className="dialog sync-dialog" role="dialog" aria-modal="true" aria-labelledby="sync-details-title" tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id="sync-details-title">Team sync</h2>
        <p className={status.state === 'error' ? 'error' : 'muted'}>{badgeTitle(status)}</p>
        {!local && (
          <dl className="sync-facts">
            <dt>Server</dt>
            <dd>{status.server ? hostOf(status.server) : '—'}</dd>
            <dt>Workspace</dt>
            <dd>{status.workspace?.name ?? '—'}</dd>
            <dt>Signed in as</dt>
            <dd>{status.user?.name ?? '—'}</dd>
            <dt>Role</dt>
            <dd>{status.role ? ROLE_LABEL[status.role] : '—'}</dd>
            <dt>Last synced</dt>
            <dd>{status.lastSyncedAt ? formatTime(status.lastSyncedAt) : 'Not yet'}</dd>
            <dt>Changes not yet on the server</dt>
            <dd>{status.pending}</dd>
          </dl>
        )}
        <NoticeLine message={busy ? 'Working…' : null} />
        <ErrorLine message={error} />
        {confirmStop && (
          <div className="confirm" role="alertdialog" aria-label="Stop syncing this base?">
            <span>Stop syncing? The file stays on this computer with everything in it; changes made here no longer reach the team, and theirs no longer reach you.</span>
            <div className="buttons">
              <button type="button" className="primary" disabled={busy} autoFocus onClick={() => void act('sync.unlink')}>
                Stop syncing
              </button>
              <button type="button" onClick={() => setConfirmStop(false)}>
                Cancel
              </button>
            </div>
          </div>
        )}
        <div className="buttons end">
          {local ? (
            <button type="button" className="primary" onClick={onPublish} autoFocus>
              Publish to a team server…
            </button>
          ) : (
            <>
              <button type="button" disabled={busy} onClick={() => void act('sync.retry')}>
                Retry now
              </button>
              <button type="button" disabled={busy || confirmStop} onClick={() => setConfirmStop(true)}>
                Stop syncing…
              </button>
            </>
          )}
          <button type="button" onClick={onClose} autoFocus={!local}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}
