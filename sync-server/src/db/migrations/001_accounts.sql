-- Accounts, sign-in sessions, API tokens, workspaces and their members, invitations, the audit log.
-- Secrets (refresh, API and invitation tokens) are stored as SHA-256 hex only; passwords as scrypt
-- hashes carrying their parameters (accounts/passwords.ts).

CREATE TABLE users (
  id text PRIMARY KEY,
  email text NOT NULL UNIQUE,             -- trimmed and lower-cased
  name text NOT NULL,
  password_hash text NOT NULL,
  is_admin boolean NOT NULL DEFAULT false, -- a server admin (the first account on an empty server)
  created_at timestamptz NOT NULL DEFAULT now(),
  password_changed_at timestamptz NOT NULL DEFAULT now()
);

-- A session is one sign-in: the family of refresh tokens descended from one login. Revoking it
-- ends every token of the family and the access tokens that name it.
CREATE TABLE sessions (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  revoked_at timestamptz,
  revoked_reason text                     -- logout | password_change | refresh_reuse
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
  token_hash text PRIMARY KEY,
  session_id text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  used_at timestamptz                     -- set when exchanged; presenting it again revokes the session
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

-- Failed logins per (email, client address), hashed together; rows older than the window are pruned.
CREATE TABLE login_failures (
  key text NOT NULL,
  at timestamptz NOT NULL
);
CREATE INDEX login_failures_key_at ON login_failures (key, at);
CREATE INDEX login_failures_at ON login_failures (at);

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  scopes jsonb NOT NULL,                  -- array of scope names (api-tokens/scopes.ts)
  workspace_ids jsonb NOT NULL,           -- array of workspace ids the token may reach
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE workspaces (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_by text REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'commenter', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE invitations (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  token_hash text NOT NULL UNIQUE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'editor', 'commenter', 'viewer')),
  email text,                             -- when set, only this account may accept
  created_by text REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  accepted_by text REFERENCES users (id) ON DELETE SET NULL,
  revoked_at timestamptz
);
CREATE INDEX invitations_workspace ON invitations (workspace_id);

-- Who changed membership, permissions, tokens or schema, when. No foreign keys: the log outlives
-- what it names. `details` never holds a secret.
CREATE TABLE audit_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  actor_user_id text,
  actor_token_id text,                    -- set when an API token made the change
  workspace_id text,
  action text NOT NULL,
  target text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb
);
CREATE INDEX audit_log_workspace ON audit_log (workspace_id, id);
