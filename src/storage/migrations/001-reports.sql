-- Incident reports: the current revision of each, with the columns the filters and the
-- aggregate queries need, and every revision kept beside it (never overwritten).
CREATE TABLE reports (
  id            TEXT PRIMARY KEY,
  mission       TEXT NOT NULL,
  category      TEXT NOT NULL,           -- harmonized code, e.g. HOS.IED
  top_category  TEXT NOT NULL,           -- HOS
  occurred_at   INTEGER NOT NULL,        -- epoch ms
  lat           REAL NOT NULL,
  lon           REAL NOT NULL,
  cell          INTEGER NOT NULL,        -- 0.1 degree grid cell, for "within N km" look-ups
  admin1        TEXT,
  admin2        TEXT,
  route         TEXT,
  site          TEXT,
  revision      INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('active', 'retracted')),
  fingerprint   TEXT NOT NULL,
  body          TEXT NOT NULL,           -- the classified report, JSON
  received_at   INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  retracted_reason TEXT
);
CREATE INDEX reports_mission_time ON reports (mission, occurred_at);
CREATE INDEX reports_category_time ON reports (category, occurred_at);
CREATE INDEX reports_cell_time ON reports (cell, occurred_at);

CREATE TABLE report_revisions (
  report_id     TEXT NOT NULL REFERENCES reports (id),
  revision      INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('create', 'revise', 'retract')),
  fingerprint   TEXT,
  body          TEXT,                    -- the classified report at this revision (null for a retraction)
  reason        TEXT,
  at            INTEGER NOT NULL,
  result        TEXT,                    -- the response body of this write, replayed to an identical retry
  PRIMARY KEY (report_id, revision)
) WITHOUT ROWID;
