-- Collaborative documents (Yjs): one row per document of a workspace, its updates appended as
-- they arrive (never modified), and at most one snapshot per document that compaction rewrites.
-- A document's state = its snapshot merged with every update row still present (the rows a
-- compaction merged are deleted in the same transaction that writes the snapshot).
-- workspace_id has no foreign key: workspaces belong to the accounts schema (001).

CREATE TABLE docs (
  id bigserial PRIMARY KEY,
  workspace_id text NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, name)
);

CREATE TABLE doc_updates (
  doc_id bigint NOT NULL REFERENCES docs (id) ON DELETE CASCADE,
  seq bigserial NOT NULL,
  update bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (doc_id, seq)
);

CREATE TABLE doc_snapshots (
  doc_id bigint PRIMARY KEY REFERENCES docs (id) ON DELETE CASCADE,
  snapshot bytea NOT NULL,
  -- The highest seq merged into the snapshot (an update with a lower seq that committed after the
  -- compaction read the table is still in doc_updates, and is merged by the next one).
  through_seq bigint NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);
