-- Place: reports are resolved against the mission's gazetteer (canonical names, P-codes) and may
-- arrive with names only, so coordinates become optional; alerts carry every area their inputs
-- lie in, which silences, poll filters, inhibition and area-scoped keys match on.

-- SQLite cannot relax NOT NULL in place: the reports table is rebuilt (migrate() turns foreign
-- keys off around it and checks every reference before committing).
CREATE TABLE reports_new (
  id            TEXT PRIMARY KEY,
  mission       TEXT NOT NULL,
  category      TEXT NOT NULL,
  top_category  TEXT NOT NULL,
  occurred_at   INTEGER NOT NULL,
  lat           REAL,                    -- null for a report known only by name, without a gazetteer point
  lon           REAL,
  cell          INTEGER,
  admin1        TEXT,                    -- the resolved place (canonical names), not the names as written
  admin2        TEXT,
  route         TEXT,
  site          TEXT,
  revision      INTEGER NOT NULL,
  status        TEXT NOT NULL CHECK (status IN ('active', 'retracted')),
  fingerprint   TEXT NOT NULL,
  body          TEXT NOT NULL,
  received_at   INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  retracted_reason TEXT,
  areas         TEXT                     -- '|1:name|1:pcode|2:name|...|': the admin1 and admin2 it lies in
);
INSERT INTO reports_new (id, mission, category, top_category, occurred_at, lat, lon, cell, admin1, admin2, route, site,
  revision, status, fingerprint, body, received_at, updated_at, retracted_reason, areas)
  SELECT id, mission, category, top_category, occurred_at, lat, lon, cell, admin1, admin2, route, site,
  revision, status, fingerprint, body, received_at, updated_at, retracted_reason,
  CASE WHEN admin1 IS NULL AND admin2 IS NULL THEN NULL
       ELSE '|' || COALESCE('1:' || admin1 || '|', '') || COALESCE('2:' || admin2 || '|', '') END
  FROM reports;
DROP TABLE reports;
ALTER TABLE reports_new RENAME TO reports;
CREATE INDEX reports_mission_time ON reports (mission, occurred_at);
CREATE INDEX reports_category_time ON reports (category, occurred_at);
CREATE INDEX reports_cell_time ON reports (cell, occurred_at);

ALTER TABLE indicator_inputs ADD COLUMN admin1_pcode TEXT;
ALTER TABLE indicator_inputs ADD COLUMN admin2_pcode TEXT;

-- The areas of an alert and of each change, for filters by area name or P-code.
ALTER TABLE alerts ADD COLUMN areas TEXT;
ALTER TABLE alert_changes ADD COLUMN areas TEXT;
UPDATE alerts SET areas = '|' || COALESCE('1:' || admin1 || '|', '') || COALESCE('2:' || admin2 || '|', '')
  WHERE admin1 IS NOT NULL OR admin2 IS NOT NULL;
UPDATE alert_changes SET areas = '|1:' || admin1 || '|' WHERE admin1 IS NOT NULL;

-- Keys may be scoped to areas within their missions (a sector JOC desk): JSON array, null = all.
ALTER TABLE api_keys ADD COLUMN areas TEXT;
