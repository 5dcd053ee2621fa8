-- Partners (issue 20): a partner key belongs to an organisation (a humanitarian agency, a
-- host-state liaison) and sees only what is released to it. SQLite cannot widen a CHECK, so the
-- keys table is rebuilt with the partner role and the organisation.
CREATE TABLE api_keys_new (
  id          TEXT PRIMARY KEY,
  name        TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('analyst', 'joc', 'hq', 'admin', 'partner')),
  missions    TEXT NOT NULL,
  token_hash  TEXT NOT NULL UNIQUE,
  created_at  INTEGER NOT NULL,
  created_by  TEXT NOT NULL,
  revoked_at  INTEGER,
  revoked_by  TEXT,
  areas       TEXT,
  org         TEXT,                           -- a partner key's organisation, e.g. ocha
  CHECK ((role = 'partner') = (org IS NOT NULL))
);
INSERT INTO api_keys_new (id, name, role, missions, token_hash, created_at, created_by, revoked_at, revoked_by, areas)
  SELECT id, name, role, missions, token_hash, created_at, created_by, revoked_at, revoked_by, areas FROM api_keys;
DROP TABLE api_keys;
ALTER TABLE api_keys_new RENAME TO api_keys;

-- An alert is shown to a partner organisation only once the JOC has released it to it.
CREATE TABLE alert_releases (
  alert_id    INTEGER NOT NULL REFERENCES alerts (id),
  org         TEXT NOT NULL,
  released_by TEXT NOT NULL,
  released_at INTEGER NOT NULL,
  note        TEXT,
  PRIMARY KEY (alert_id, org)
) WITHOUT ROWID;
CREATE INDEX alert_releases_org ON alert_releases (org, alert_id);
