-- Bases of a workspace (the REST and meta API's). A base's content lives in documents of the
-- workspace (002): '<baseId>/schema' (tables, fields, views, shards) and
-- '<baseId>/<tableId>/<shardId>' (records). This row says the base exists, who made it and when.
CREATE TABLE bases (
  id text PRIMARY KEY,
  workspace_id text NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by text REFERENCES users (id) ON DELETE SET NULL
);

CREATE INDEX bases_workspace ON bases (workspace_id, created_at);
