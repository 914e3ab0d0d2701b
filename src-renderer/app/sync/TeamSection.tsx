/**
 * The start screen's Team section: the team servers this machine is signed in to, each with its
 * workspaces and their bases; a base already on this machine opens, another is downloaded. An
 * invitation link joins a workspace (signing in to its server first when needed).
 */
import { useCallback, useEffect, useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { BaseInfo, RemoteBase, RemoteWorkspace, SyncAccount } from '../../../src-shared/api/engine.dto';
import { ErrorLine, NoticeLine } from '../Messages';
import { CloneDialog } from './CloneDialog';
import { CloneAllDialog } from './CloneAllDialog';
import { JoinDialog } from './JoinDialog';
import { SignInDialog } from './SignInDialog';
import { ROLE_LABEL, errorText, hostOf } from './sync-text';

interface Props {
  engine: EngineClient;
  busy: boolean;
  /** Opens a base this machine already has. */
  onOpenPath(path: string): void;
  /** A downloaded base, already open in the engine. */
  onOpened(info: BaseInfo): void;
}

export function TeamSection({ engine, busy, onOpenPath, onOpened }: Props): React.JSX.Element {
  const [accounts, setAccounts] = useState<SyncAccount[] | null>(null);
  const [signingIn, setSigningIn] = useState(false);
  const [joining, setJoining] = useState(false);
  const [joined, setJoined] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Bumped to read every account's workspaces again.
  const [version, setVersion] = useState(0);

  const load = useCallback(() => {
    engine['sync.accounts']({}).then(
      (a) => {
        setAccounts(a);
        setError(null);
      },
      (e: unknown) => setError(`The team servers you are signed in to could not be listed: ${errorText(e)}`),
    );
  }, [engine]);
  useEffect(load, [load]);
  // A new sign-in (or a joined workspace) can change any account's list: read them all again.
  const reloadAll = (): void => {
    load();
    setVersion((v) => v + 1);
  };

  return (
    <section className="team" aria-labelledby="team-title">
      <div className="team-head">
        <h2 id="team-title">Team</h2>
        <div className="buttons">
          <button
            type="button"
            onClick={() => {
              setJoined(null);
              setJoining(true);
            }}
          >
            Join with an invitation link…
          </button>
          <button type="button" onClick={() => setSigningIn(true)}>
            Sign in to a team server…
          </button>
        </div>
      </div>
      {accounts === null && !error && <p className="muted">Loading…</p>}
      {accounts?.length === 0 && <p className="muted">Sign in to a team server to share bases and work on them together, or join a workspace with an invitation link.</p>}
      <NoticeLine message={joined} />
      {accounts?.map((a) => (
        <AccountPanel
          // Another person signed in to the same server starts from nothing of the last one's.
          key={`${a.server} ${a.user.id}`}
          engine={engine}
          account={a}
          version={version}
          busy={busy}
          onOpenPath={onOpenPath}
          onOpened={onOpened}
          onSignedOut={load}
        />
      ))}
      <ErrorLine message={error} />
      {signingIn && (
        <SignInDialog
          engine={engine}
          initialServer={accounts?.[0]?.server ?? ''}
          onSignedIn={() => {
            setSigningIn(false);
            reloadAll();
          }}
          onClose={() => setSigningIn(false)}
        />
      )}
      {joining && (
        <JoinDialog
          engine={engine}
          onSignedIn={reloadAll}
          onJoined={(w, server) => {
            setJoining(false);
            setJoined(`You joined ${w.name} on ${hostOf(server)} as ${ROLE_LABEL[w.role]}.`);
            reloadAll();
          }}
          onClose={() => setJoining(false)}
        />
      )}
    </section>
  );
}

interface AccountProps {
  engine: EngineClient;
  account: SyncAccount;
  version: number;
  busy: boolean;
  onOpenPath(path: string): void;
  onOpened(info: BaseInfo): void;
  onSignedOut(): void;
}

function AccountPanel({ engine, account, version, busy, onOpenPath, onOpened, onSignedOut }: AccountProps): React.JSX.Element {
  const { server, user } = account;
  const [workspaces, setWorkspaces] = useState<RemoteWorkspace[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [creating, setCreating] = useState<string | null>(null);
  const [cloning, setCloning] = useState<{ workspace: RemoteWorkspace; remote: RemoteBase } | null>(null);
  const [cloningAll, setCloningAll] = useState<RemoteWorkspace | null>(null);
  const [confirmSignOut, setConfirmSignOut] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  const [saving, setSaving] = useState(false);
  const [refresh, setRefresh] = useState(0);

  useEffect(() => {
    let live = true;
    engine['sync.workspaces']({ server }).then(
      (w) => {
        if (!live) return;
        setWorkspaces(w);
        setError(null);
      },
      (e: unknown) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [engine, server, version, refresh]);

  const createWorkspace = async (): Promise<void> => {
    const name = creating?.trim() ?? '';
    if (!name) return setError('Give the workspace a name.');
    // A second Enter while the first is on its way would make a second workspace.
    if (saving) return;
    setSaving(true);
    try {
      await engine['sync.createWorkspace']({ server, name });
      setCreating(null);
      setRefresh((r) => r + 1);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  const signOut = async (): Promise<void> => {
    setConfirmSignOut(false);
    setSigningOut(true);
    try {
      await engine['sync.signOut']({ server });
    } catch (e) {
      setError(errorText(e));
    } finally {
      setSigningOut(false);
      // The engine's list says whether the sign-in is gone, failure or not.
      onSignedOut();
    }
  };

  return (
    <article className="account" aria-label={`${user.email} on ${hostOf(server)}`}>
      <header>
        <div className="account-who">
          <b>{user.name}</b> <span className="muted">{user.email}</span>
          <div className="muted">{server}</div>
        </div>
        <button type="button" className="link" onClick={() => setRefresh((r) => r + 1)}>
          Refresh
        </button>
        <button type="button" disabled={signingOut} onClick={() => setConfirmSignOut(true)} aria-label={`Sign out of ${hostOf(server)}`}>
          {signingOut ? 'Signing out…' : 'Sign out'}
        </button>
      </header>
      {confirmSignOut && (
        <div className="confirm" role="alertdialog" aria-label={`Sign out of ${hostOf(server)}?`}>
          <span>Sign out of {hostOf(server)}? Bases from there stay on this computer but stop syncing until you sign in again.</span>
          <div className="buttons">
            <button type="button" className="primary" autoFocus onClick={() => void signOut()}>
              Sign out
            </button>
            <button type="button" onClick={() => setConfirmSignOut(false)}>
              Cancel
            </button>
          </div>
        </div>
      )}
      {workspaces === null && !error && <p className="muted">Loading workspaces…</p>}
      {workspaces?.length === 0 && <p className="muted">No workspaces yet: create one, then publish a base into it from the base's sync status.</p>}
      {workspaces?.map((w) => (
        <section key={w.id} className="workspace" aria-label={`Workspace ${w.name}`}>
          <h3>
            {w.name} <span className="role">{ROLE_LABEL[w.role]}</span>
            {w.bases.filter((b) => b.localPath === null).length > 1 && (
              <button type="button" className="link" disabled={busy} aria-label={`Download all of ${w.name}…`} onClick={() => setCloningAll(w)}>
                Download all…
              </button>
            )}
          </h3>
          {w.bases.length === 0 ? (
            <p className="muted">No bases yet: open a base and publish it here from its sync status.</p>
          ) : (
            <ul>
              {w.bases.map((b) => (
                <li key={b.id}>
                  <span className="remote-name">{b.name}</span>
                  {b.localPath ? (
                    <button type="button" className="link" disabled={busy} title={b.localPath} aria-label={`Open ${b.name}`} onClick={() => onOpenPath(b.localPath!)}>
                      Open
                    </button>
                  ) : (
                    <button type="button" className="link" disabled={busy} aria-label={`Download ${b.name}…`} onClick={() => setCloning({ workspace: w, remote: b })}>
                      Download…
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </section>
      ))}
      {creating === null ? (
        <button type="button" className="link" onClick={() => setCreating('')}>
          New workspace
        </button>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void createWorkspace();
          }}
          onKeyDown={(e) => e.key === 'Escape' && setCreating(null)}
        >
          <input aria-label="Workspace name" placeholder="Workspace name" value={creating} onChange={(e) => setCreating(e.target.value)} readOnly={saving} autoFocus />
          <button type="submit" aria-disabled={saving || undefined}>
            {saving ? 'Creating…' : 'Create'}
          </button>
          <button type="button" onClick={() => setCreating(null)}>
            Cancel
          </button>
        </form>
      )}
      <ErrorLine message={error} />
      {cloningAll && (
        <CloneAllDialog
          engine={engine}
          server={server}
          workspace={cloningAll}
          onDone={() => {
            setCloningAll(null);
            setRefresh((r) => r + 1);
          }}
          onClose={() => {
            setCloningAll(null);
            setRefresh((r) => r + 1);
          }}
        />
      )}
      {cloning && (
        <CloneDialog
          engine={engine}
          server={server}
          workspace={cloning.workspace}
          remote={cloning.remote}
          onCloned={(info) => {
            setCloning(null);
            onOpened(info);
          }}
          onClose={() => {
            setCloning(null);
            setRefresh((r) => r + 1);
          }}
        />
      )}
    </article>
  );
}
