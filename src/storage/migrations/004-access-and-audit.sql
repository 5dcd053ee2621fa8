-- Access keys: a token is shown once and stored only as its SHA-256 hash.
CREATE TABLE api_keys (
  id          TEXT PRIMARY KEY,               -- public id, e.g. key_3f9a1c2b
  name        TEXT NOT NULL,                  -- who holds it: "JMAC Gao", "JOC duty desk"
  role        TEXT NOT NULL CHECK (role IN ('analyst', 'joc', 'hq', 'admin')),
  missions    TEXT NOT NULL,                  -- JSON array of mission codes, or ["*"] for all
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  INTEGER,
  revoked_by  TEXT
);

-- Every write, by whom, on what, when, with which outcome. Append-only: the triggers refuse
-- any change or removal, so the trail cannot be edited through vigil's own connection either.
CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  at          INTEGER NOT NULL,
  key_id      TEXT,
  key_name    TEXT NOT NULL,
  action      TEXT NOT NULL,                  -- report.create, alert.ack, key.revoke, ...
  target      TEXT,
  mission     TEXT,
  request_id  TEXT,
  outcome     TEXT NOT NULL,                  -- success, or the error code of a refused write
  detail      TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_key ON audit_log (key_id, id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
