/**
 * Join a workspace with the invitation link someone sent (`https://sync.example.com/invite/bpi_…`).
 * Without a sign-in to the server the link names, the sign-in dialog opens with that server filled
 * in, and the invitation is used as soon as the sign-in succeeds.
 */
import { useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { RemoteWorkspace, SyncAccount } from '../../../src-shared/api/engine.dto';
import { SignInDialog } from './SignInDialog';
import { SyncDialog } from './SyncDialog';
import { errorCode, hostOf, invitationLink } from './sync-text';
import { useDialogSubmit } from './use-dialog-submit';

interface Props {
  engine: EngineClient;
  /** A sign-in made on the way (the list of accounts changed). */
  onSignedIn(account: SyncAccount): void;
  onJoined(workspace: RemoteWorkspace, server: string): void;
  onClose(): void;
}

export function JoinDialog({ engine, onSignedIn, onJoined, onClose }: Props): React.JSX.Element {
  const [pasted, setPasted] = useState('');
  /** The server to sign in to before the invitation can be used. */
  const [signInTo, setSignInTo] = useState<string | null>(null);
  const { busy, error, setError, run } = useDialogSubmit();

  const join = (): void => {
    const invitation = invitationLink(pasted);
    if (!invitation) return setError('Paste the whole invitation link you were sent: it starts with the server’s address, for example https://sync.example.com/invite/bpi_…');
    void run(async () => {
      try {
        onJoined(await engine['sync.acceptInvitation']({ invitation: invitation.link }), invitation.server);
      } catch (e) {
        // The engine's words say to sign in first; the sign-in dialog opens over this one.
        if (errorCode(e) === 'NOT_SIGNED_IN') setSignInTo(invitation.server);
        throw e;
      }
    });
  };

  return (
    <>
      <SyncDialog title="Join a workspace" busy={busy} error={error} submitLabel={busy ? 'Joining…' : 'Join'} onSubmit={join} onCancel={onClose}>
        <p className="muted">Paste the invitation link someone on the team sent you. You join their workspace with the role they chose, and can download its bases.</p>
        <label>
          Invitation link
          <input
            value={pasted}
            onChange={(e) => setPasted(e.target.value)}
            placeholder="https://sync.example.com/invite/bpi_…"
            spellCheck={false}
            autoComplete="off"
            readOnly={busy}
            autoFocus
          />
        </label>
      </SyncDialog>
      {signInTo !== null && (
        <SignInDialog
          engine={engine}
          initialServer={signInTo}
          note={`To use the invitation, sign in to ${hostOf(signInTo)} (or create an account there). You join the workspace right after.`}
          onSignedIn={(account) => {
            setSignInTo(null);
            onSignedIn(account);
            join();
          }}
          onClose={() => setSignInTo(null)}
        />
      )}
    </>
  );
}
