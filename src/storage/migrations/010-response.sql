-- From warning to response (issue 18): the response of the alert's current threshold with its
-- deadlines, the overdue flags, the owner, the last action and the disposition; and the action log.
ALTER TABLE alerts ADD COLUMN response TEXT;               -- JSON: actions, responsible, durations, references, since
ALTER TABLE alerts ADD COLUMN ack_due INTEGER;             -- acknowledge by (epoch ms)
ALTER TABLE alerts ADD COLUMN act_due INTEGER;             -- act by (epoch ms)
ALTER TABLE alerts ADD COLUMN response_since INTEGER;      -- when the current threshold's response began
ALTER TABLE alerts ADD COLUMN overdue_ack INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN overdue_act INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN assignee TEXT;               -- JSON: to, by, at, note
ALTER TABLE alerts ADD COLUMN last_action_at INTEGER;
ALTER TABLE alerts ADD COLUMN disposition TEXT CHECK (disposition IN ('useful', 'too-late', 'false-alarm', 'duplicate', 'not-actionable'));
ALTER TABLE alerts ADD COLUMN disposition_note TEXT;

-- The overdue sweep runs with every expiry check: these read only the alerts still due to be flagged.
CREATE INDEX alerts_ack_due ON alerts (ack_due) WHERE status = 'open' AND overdue_ack = 0;
CREATE INDEX alerts_act_due ON alerts (act_due) WHERE status IN ('open', 'acknowledged') AND overdue_act = 0;
CREATE INDEX alerts_indicator_raised ON alerts (indicator_id, raised_at);

-- What was done about an alert. Declined and not-possible are first-class, with their reason.
CREATE TABLE alert_actions (
  id          INTEGER PRIMARY KEY,
  alert_id    INTEGER NOT NULL REFERENCES alerts (id),
  action      TEXT NOT NULL,
  unit        TEXT NOT NULL,
  started_at  INTEGER NOT NULL,
  ended_at    INTEGER,
  outcome     TEXT NOT NULL CHECK (outcome IN ('done', 'partly', 'not-possible', 'declined')),
  reason      TEXT,
  recorded_by TEXT NOT NULL,
  recorded_at INTEGER NOT NULL,
  seq         INTEGER NOT NULL                -- the alert change that recorded it
);
CREATE INDEX alert_actions_alert ON alert_actions (alert_id, started_at);

-- A mission's proposed rule changes (JMAC), previewed on its own reports, for HQ to merge through git.
CREATE TABLE rule_drafts (
  id          INTEGER PRIMARY KEY,
  rule_id     TEXT NOT NULL,
  version     INTEGER NOT NULL,
  title       TEXT NOT NULL,
  mission     TEXT NOT NULL,
  text        TEXT NOT NULL,                  -- the draft as sent (YAML or JSON text)
  note        TEXT,
  author      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  replaces_live INTEGER NOT NULL,
  preview     TEXT NOT NULL                   -- JSON: the range, reports replayed, counts per level and grade
);
CREATE INDEX rule_drafts_mission ON rule_drafts (mission, id);
