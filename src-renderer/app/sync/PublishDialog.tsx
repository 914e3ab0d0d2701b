/**
 * Publish a local base to a team server: choose a signed-in account (or sign in first) and a
 * workspace (or name a new one); the base then syncs whenever it is open.
 */
import { useCallback, useEffect, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { RemoteWorkspace, SyncAccount, SyncStatus } from '../../../src-shared/api/engine.dto';
import { SignInDialog } from './SignInDialog';
import { SyncDialog } from './SyncDialog';
import { ROLE_LABEL, canPublishAs, errorText, hostOf } from './sync-text';
import { useDialogSubmit } from './use-dialog-submit';

const NEW = '';

interface Props {
  engine: EngineClient;
  base: string;
  baseName: string;
  onPublished(status: SyncStatus): void;
  onClose(): void;
}

export function PublishDialog({ engine, base, baseName, onPublished, onClose }: Props): React.JSX.Element {
  const [accounts, setAccounts] = useState<SyncAccount[] | null>(null);
  const [server, setServer] = useState('');
  // Bumped by each sign-in: a new sign-in to the same server reads its workspaces again.
  const [signIns, setSignIns] = useState(0);
  const [workspaces, setWorkspaces] = useState<RemoteWorkspace[] | null>(null);
  const [workspace, setWorkspace] = useState(NEW);
  const [newName, setNewName] = useState('');
  const [signingIn, setSigningIn] = useState(false);
  const { busy, error, setError, run } = useDialogSubmit();

  const loadAccounts = useCallback(
    (select?: string) => {
      engine['sync.accounts']({}).then(
        (a) => {
          setAccounts(a);
          setServer((cur) => select ?? (a.some((x) => x.server === cur) ? cur : (a[0]?.server ?? '')));
        },
        (e: unknown) => setError(errorText(e)),
      );
    },
    [engine, setError],
  );
  useEffect(() => loadAccounts(), [loadAccounts]);

  useEffect(() => {
    // Another server's workspace (and its error) mean nothing here.
    setWorkspaces(null);
    setWorkspace(NEW);
    setError(null);
    if (!server) return;
    let live = true;
    engine['sync.workspaces']({ server }).then(
      (w) => {
        if (!live) return;
        setWorkspaces(w);
        // The first workspace this person may publish into; a new one when there is none.
        setWorkspace(w.find((x) => canPublishAs(x.role))?.id ?? NEW);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [engine, server, signIns, setError]);

  const publish = (): void => {
    if (!server) return setError('Sign in to a team server first.');
    if (workspace === NEW && !newName.trim()) return setError('Name the new workspace, or choose one.');
    void run(async () => {
      let target = workspace;
      if (target === NEW) {
        const created = await engine['sync.createWorkspace']({ server, name: newName.trim() });
        // Chosen from now on: trying again after a failed publish does not make a second one.
        setWorkspaces((w) => [...(w ?? []), created]);
        setWorkspace(created.id);
        target = created.id;
      }
      onPublished(await engine['sync.publish']({ base, server, workspace: target }));
    });
  };

  return (
    <>
      <SyncDialog
        title={`Publish ${baseName} to a team server`}
        busy={busy}
        error={error}
        submitLabel={busy ? 'Publishing…' : 'Publish'}
        submitDisabled={!server || workspaces === null}
        onSubmit={publish}
        onCancel={onClose}
      >
        <p className="muted">The others in the workspace get the base and see each other’s changes as they happen. This computer keeps its copy and works on it offline too.</p>
        {accounts === null ? (
          <p className="muted">Loading…</p>
        ) : accounts.length === 0 ? (
          <p>You are not signed in to a team server yet.</p>
        ) : (
          <label>
            Team server
            <select value={server} onChange={(e) => setServer(e.target.value)} disabled={busy} autoFocus>
              {accounts.map((a) => (
                <option key={a.server} value={a.server}>
                  {hostOf(a.server)} — {a.user.email}
                </option>
              ))}
            </select>
          </label>
        )}
        <div>
          <button type="button" className="link" disabled={busy} onClick={() => setSigningIn(true)}>
            {accounts?.length ? 'Sign in to another server…' : 'Sign in…'}
          </button>
        </div>
        {server && (
          <label>
            Workspace
            <select value={workspace} onChange={(e) => setWorkspace(e.target.value)} disabled={workspaces === null || busy}>
              {workspaces === null && <option value={NEW}>Loading workspaces…</option>}
              {workspaces?.map((w) => (
                <option key={w.id} value={w.id} disabled={!canPublishAs(w.role)}>
                  {w.name} ({ROLE_LABEL[w.role]}{canPublishAs(w.role) ? '' : ': cannot add bases'})
                </option>
              ))}
              {workspaces !== null && <option value={NEW}>New workspace…</option>}
            </select>
          </label>
        )}
        {server && workspaces !== null && workspace === NEW && (
          <label>
            New workspace name
            <input value={newName} onChange={(e) => setNewName(e.target.value)} placeholder="Engineering" />
          </label>
        )}
      </SyncDialog>
      {signingIn && (
        <SignInDialog
          engine={engine}
          initialServer={server}
          onSignedIn={(a) => {
            setSigningIn(false);
            setSignIns((n) => n + 1);
            loadAccounts(a.server);
          }}
          onClose={() => setSigningIn(false)}
        />
      )}
    </>
  );
}
