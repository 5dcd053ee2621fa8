-- Every input (report, or alert for escalation indicators) that matched an indicator, with the
-- columns its aggregates read. Aggregates are SQL over this table within scope and window, so an
-- evaluation never loads the history into memory and costs only as much as the window holds.
CREATE TABLE indicator_inputs (
  indicator_id     TEXT NOT NULL,
  input_id         TEXT NOT NULL,            -- report id, or 'alert:<id>'
  mission          TEXT NOT NULL,
  category         TEXT NOT NULL,
  top_category     TEXT NOT NULL,
  occurred_at      INTEGER NOT NULL,
  lat              REAL,
  lon              REAL,
  admin1           TEXT,
  admin2           TEXT,
  route            TEXT,
  site             TEXT,
  source           TEXT NOT NULL,            -- sourceId; reports without one share 'unattributed'
  reliability      TEXT NOT NULL,
  credibility      INTEGER NOT NULL,
  assessed         INTEGER NOT NULL,         -- 0 when graded E or credibility 5
  active           INTEGER NOT NULL DEFAULT 1,
  un_killed        INTEGER NOT NULL DEFAULT 0,
  un_injured       INTEGER NOT NULL DEFAULT 0,
  un_abducted      INTEGER NOT NULL DEFAULT 0,
  civilians_killed INTEGER NOT NULL DEFAULT 0,
  vals             TEXT,                     -- JSON: the other fields the indicator sums or counts
  PRIMARY KEY (indicator_id, input_id)
) WITHOUT ROWID;
CREATE INDEX indicator_inputs_window ON indicator_inputs (indicator_id, mission, occurred_at);
CREATE INDEX indicator_inputs_input ON indicator_inputs (input_id);

CREATE TABLE alerts (
  id                INTEGER PRIMARY KEY,
  identity          TEXT NOT NULL,           -- indicator | mission | scope key
  indicator_id      TEXT NOT NULL,
  indicator_version INTEGER NOT NULL,
  rule_set_version  TEXT NOT NULL,
  mission           TEXT NOT NULL,
  taxonomy          TEXT NOT NULL,           -- JSON array of the codes the indicator watches
  top_category      TEXT NOT NULL,
  level             TEXT NOT NULL,
  grade             TEXT NOT NULL,
  rank              INTEGER NOT NULL,
  status            TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved', 'expired', 'withdrawn')),
  status_reason     TEXT,
  confidence        TEXT NOT NULL,
  trend             REAL,
  scope             TEXT NOT NULL,           -- JSON: group values, centre and radius
  admin1            TEXT,
  admin2            TEXT,
  route             TEXT,
  site              TEXT,
  lat               REAL,
  lon               REAL,
  window_ms         INTEGER NOT NULL,
  count             INTEGER NOT NULL,
  facts             TEXT NOT NULL,           -- JSON: every aggregate at the last evaluation
  explanation       TEXT NOT NULL,           -- JSON: the winning condition tree with fact values
  summary           TEXT NOT NULL,
  first_seen        INTEGER NOT NULL,
  last_seen         INTEGER NOT NULL,
  anchor_at         INTEGER NOT NULL,        -- the time the facts were computed for
  raised_at         INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL,
  expires_at        INTEGER NOT NULL,
  seq               INTEGER NOT NULL,        -- sequence number of the last change
  acknowledged_by   TEXT,
  acknowledged_at   INTEGER,
  resolved_by       TEXT,
  resolved_at       INTEGER
);
CREATE UNIQUE INDEX alerts_active_identity ON alerts (identity) WHERE status IN ('open', 'acknowledged');
CREATE INDEX alerts_expiry ON alerts (expires_at) WHERE status IN ('open', 'acknowledged');
CREATE INDEX alerts_mission_seq ON alerts (mission, seq);

CREATE TABLE alert_inputs (
  alert_id INTEGER NOT NULL REFERENCES alerts (id),
  input_id TEXT NOT NULL,
  PRIMARY KEY (alert_id, input_id)
) WITHOUT ROWID;
CREATE INDEX alert_inputs_input ON alert_inputs (input_id);

-- Every change of every alert, in one gap-free sequence: the poll cursor and the history.
CREATE TABLE alert_changes (
  seq       INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id  INTEGER NOT NULL REFERENCES alerts (id),
  kind      TEXT NOT NULL,
  at        INTEGER NOT NULL,
  actor     TEXT,
  cause     TEXT NOT NULL,
  input_ids TEXT NOT NULL,                   -- JSON: the inputs that caused this change
  alert     TEXT NOT NULL                    -- JSON: the alert as it stood after the change
);
CREATE INDEX alert_changes_alert ON alert_changes (alert_id, seq);
