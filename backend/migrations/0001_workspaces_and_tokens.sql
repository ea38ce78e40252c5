-- Workspaces and the API tokens bound to them. Secrets are never stored, only their SHA-256.
CREATE TABLE roadlog.workspaces (
    id          uuid PRIMARY KEY,
    name        text NOT NULL UNIQUE CHECK (btrim(name) <> ''),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE roadlog.api_tokens (
    id            uuid PRIMARY KEY,
    workspace_id  uuid NOT NULL REFERENCES roadlog.workspaces (id),
    name          text NOT NULL,
    role          text NOT NULL CHECK (role IN ('viewer', 'editor', 'admin')),
    secret_sha256 bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz
);

CREATE INDEX api_tokens_workspace_idx ON roadlog.api_tokens (workspace_id);
