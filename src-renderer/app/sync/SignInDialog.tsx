/**
 * Sign in to a team sync server, or create an account there. The engine keeps the sign-in on this
 * machine, so it outlasts a restart.
 */
import { useState } from 'react';
import type { EngineClient } from '../../../src-shared/api/engine.contract';
import type { SyncAccount } from '../../../src-shared/api/engine.dto';
import { SyncDialog } from './SyncDialog';
import { serverAddress } from './sync-text';
import { useDialogSubmit } from './use-dialog-submit';

interface Props {
  engine: EngineClient;
  /** A server to offer (the last one used, or the one an invitation names). */
  initialServer?: string;
  /** Why a sign-in is asked for, when another action needs it first. */
  note?: string;
  onSignedIn(account: SyncAccount): void;
  onClose(): void;
}

export function SignInDialog({ engine, initialServer = '', note, onSignedIn, onClose }: Props): React.JSX.Element {
  const [server, setServer] = useState(initialServer);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [register, setRegister] = useState(false);
  const [name, setName] = useState('');
  const { busy, error, setError, run } = useDialogSubmit();

  const submit = (): void => {
    const address = serverAddress(server);
    if (!address) return setError('Type the address of the team server, for example https://sync.example.com.');
    if (!email.trim()) return setError('Type the email address of your account.');
    if (!password) return setError('Type your password.');
    if (register && !name.trim()) return setError('Type your name: the others see it beside your changes.');
    void run(async () => {
      onSignedIn(await engine['sync.signIn']({ server: address, email: email.trim(), password, register, ...(register ? { name: name.trim() } : {}) }));
    });
  };

  return (
    <SyncDialog
      title={register ? 'Create an account on a team server' : 'Sign in to a team server'}
      busy={busy}
      error={error}
      submitLabel={busy ? (register ? 'Creating…' : 'Signing in…') : register ? 'Create account' : 'Sign in'}
      onSubmit={submit}
      onCancel={onClose}
    >
      {note && <p className="muted">{note}</p>}
      <label>
        Server address
        <input value={server} onChange={(e) => setServer(e.target.value)} placeholder="https://sync.example.com" spellCheck={false} autoFocus={!initialServer} />
      </label>
      <label className="check">
        <input type="checkbox" checked={register} onChange={(e) => setRegister(e.target.checked)} />
        Create an account
      </label>
      {register && (
        <label>
          Your name
          <input value={name} onChange={(e) => setName(e.target.value)} autoComplete="name" />
        </label>
      )}
      <label>
        Email
        <input type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="username" spellCheck={false} autoFocus={!!initialServer} />
      </label>
      <label>
        Password
        <input type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete={register ? 'new-password' : 'current-password'} />
      </label>
    </SyncDialog>
  );
}
