-- +goose Up
-- api_keys: keys are shown once at creation; only their SHA-256 is stored. The prefix is
-- the visible part that identifies a key in lists and audit rows.
CREATE TABLE api_keys (
  id           bigserial PRIMARY KEY,
  name         text        NOT NULL,
  prefix       text        NOT NULL UNIQUE,
  hash         bytea       NOT NULL UNIQUE,
  role         text        NOT NULL CHECK (role IN ('admin', 'analyst', 'expert', 'planner')),
  clearance    smallint    NOT NULL CHECK (clearance BETWEEN 0 AND 3),
  created_at   timestamptz NOT NULL DEFAULT now(),
  revoked_at   timestamptz,
  last_used_at timestamptz
);

-- sessions: short-lived web sessions opened with a key; only the token's hash is stored.
CREATE TABLE sessions (
  hash       bytea       PRIMARY KEY,
  key_id     bigint      NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
  expires_at timestamptz NOT NULL
);

-- audit_log: one 'request' row before any data is sent (if it cannot be written, the data is
-- not sent) and one 'result' row after, with the status and the rows returned.
-- Append-only: a trigger refuses UPDATE, DELETE and TRUNCATE for every role.
CREATE TABLE audit_log (
  id         bigserial   PRIMARY KEY,
  request_id text        NOT NULL,
  phase      text        NOT NULL CHECK (phase IN ('request', 'result')),
  at         timestamptz NOT NULL DEFAULT now(),
  key_id     bigint,
  key_prefix text        NOT NULL DEFAULT '',
  role       text        NOT NULL DEFAULT '',
  method     text        NOT NULL,
  route      text        NOT NULL,
  params     jsonb       NOT NULL DEFAULT '{}',
  status     integer,
  rows       bigint,
  client     text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_key_at ON audit_log (key_id, at);

-- +goose StatementBegin
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();

-- +goose Down
DROP TABLE audit_log;
DROP FUNCTION audit_log_append_only();
DROP TABLE sessions;
DROP TABLE api_keys;
