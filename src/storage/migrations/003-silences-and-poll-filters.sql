-- Silences (Alertmanager's): matching alerts are still raised and stored, flagged, and left out
-- of the default poll until the silence ends. A silence always has an end.
CREATE TABLE silences (
  id          INTEGER PRIMARY KEY,
  matchers    TEXT NOT NULL,                 -- JSON: indicator, mission, admin1, taxonomy prefix, level
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  reason      TEXT NOT NULL,
  author      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  ended_at    INTEGER,                       -- set when deleted early or found expired
  ended_by    TEXT
);
CREATE INDEX silences_active ON silences (ends_at) WHERE ended_at IS NULL;

ALTER TABLE alerts ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN inhibited INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alerts_family ON alerts (mission, top_category) WHERE status IN ('open', 'acknowledged');

-- The poll filters, copied from the alert as it stood at each change, so a filtered poll is an
-- index range scan over the change log rather than a JSON parse per row.
ALTER TABLE alert_changes ADD COLUMN mission TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_changes ADD COLUMN indicator_id TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_changes ADD COLUMN level TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_changes ADD COLUMN grade_rank INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_changes ADD COLUMN status TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_changes ADD COLUMN top_category TEXT NOT NULL DEFAULT '';
ALTER TABLE alert_changes ADD COLUMN taxonomy TEXT NOT NULL DEFAULT '[]';
ALTER TABLE alert_changes ADD COLUMN admin1 TEXT;
ALTER TABLE alert_changes ADD COLUMN silenced INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alert_changes ADD COLUMN inhibited INTEGER NOT NULL DEFAULT 0;
CREATE INDEX alert_changes_mission ON alert_changes (mission, seq);
