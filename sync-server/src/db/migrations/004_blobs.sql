-- Attachment bytes, content-addressed: one stored copy per distinct SHA-256, however many
-- workspaces hold it, and a workspace sees only the blobs it was given (workspace_blobs).
--
-- An upload writes its 1 MiB chunks as they arrive, each in its own short statement (a transaction
-- open for a whole upload would hold a pool connection for minutes and, on PGlite, stop every other
-- query), under an upload id of its own. Only after the bytes hash to the name does one short
-- transaction make them a blob (`blobs.upload_id` names the chunks). Chunks of an upload that
-- failed, was cut off or lost a race to the same bytes are deleted; a process that died mid-upload
-- leaves some, which the sweep deletes (blob_uploads.started_at, no blob naming them).

CREATE TABLE blob_uploads (
  id text PRIMARY KEY,
  started_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
  upload_id text NOT NULL REFERENCES blob_uploads (id) ON DELETE CASCADE,
  idx integer NOT NULL CHECK (idx >= 0),
  data bytea NOT NULL,
  PRIMARY KEY (upload_id, idx)
);

CREATE TABLE blobs (
  sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size bigint NOT NULL CHECK (size >= 0),
  upload_id text NOT NULL UNIQUE REFERENCES blob_uploads (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE workspace_blobs (
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  sha256 text NOT NULL REFERENCES blobs (sha256),
  size bigint NOT NULL,
  created_by text REFERENCES users (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (workspace_id, sha256)
);

CREATE INDEX workspace_blobs_sha256 ON workspace_blobs (sha256);
CREATE INDEX blob_uploads_started ON blob_uploads (started_at);
