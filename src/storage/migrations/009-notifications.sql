-- Notifications: a durable outbox written in the same transaction as the alert change that
-- caused it, grouped into messages (Alertmanager's group_wait / group_interval / repeat_interval),
-- delivered at least once with an idempotency key, every attempt recorded.

-- One row per alert change per receiver it was routed to.
CREATE TABLE notification_outbox (
  id           INTEGER PRIMARY KEY,
  change_seq   INTEGER NOT NULL,
  alert_id     INTEGER NOT NULL,
  kind         TEXT NOT NULL,
  mission      TEXT NOT NULL,
  receiver     TEXT NOT NULL,
  route        TEXT NOT NULL,
  group_key    TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  message_id   INTEGER,                  -- the message that carried it; NULL while it waits
  dropped      TEXT                      -- why it was not sent (silenced or inhibited by then)
);
CREATE INDEX notification_outbox_waiting ON notification_outbox (group_key) WHERE message_id IS NULL AND dropped IS NULL;
CREATE INDEX notification_outbox_alert ON notification_outbox (alert_id);

-- One row per group: when it is next due, and what it last sent.
CREATE TABLE notification_groups (
  group_key          TEXT PRIMARY KEY,
  receiver           TEXT NOT NULL,
  mission            TEXT NOT NULL,
  group_wait_ms      INTEGER NOT NULL,
  group_interval_ms  INTEGER NOT NULL,
  repeat_interval_ms INTEGER NOT NULL,
  due_at             INTEGER,            -- next flush while changes wait; NULL when none do
  last_flush_at      INTEGER,
  firing             TEXT NOT NULL DEFAULT '[]'   -- JSON: ids of the active alerts it last sent
);
CREATE INDEX notification_groups_due ON notification_groups (due_at) WHERE due_at IS NOT NULL;

-- One message to one receiver: its content is fixed when made, so every retry sends the same
-- bytes with the same idempotency key.
CREATE TABLE notification_messages (
  id               INTEGER PRIMARY KEY,
  idempotency_key  TEXT NOT NULL UNIQUE,
  receiver         TEXT NOT NULL,
  group_key        TEXT NOT NULL,
  mission          TEXT NOT NULL,
  reason           TEXT NOT NULL,        -- changes | repeat
  payload          TEXT NOT NULL,        -- JSON
  status           TEXT NOT NULL,        -- pending | sent | failed
  attempts         INTEGER NOT NULL DEFAULT 0,
  next_attempt_at  INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  sent_at          INTEGER,
  last_error       TEXT
);
CREATE INDEX notification_messages_due ON notification_messages (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_messages_receiver ON notification_messages (receiver, id);

CREATE TABLE notification_message_alerts (
  message_id  INTEGER NOT NULL REFERENCES notification_messages (id),
  alert_id    INTEGER NOT NULL,
  PRIMARY KEY (alert_id, message_id)
) WITHOUT ROWID;

CREATE TABLE notification_attempts (
  id           INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL REFERENCES notification_messages (id),
  at           INTEGER NOT NULL,
  ok           INTEGER NOT NULL,
  duration_ms  INTEGER NOT NULL,
  detail       TEXT                      -- the receiver's answer or the error
);
CREATE INDEX notification_attempts_message ON notification_attempts (message_id);

-- Scheduled briefs (daily, weekly) per mission, or HQ across missions: one per due time.
CREATE TABLE briefs (
  id           INTEGER PRIMARY KEY,
  mission      TEXT NOT NULL,              -- a mission code, or HQ
  every        TEXT NOT NULL,              -- day | week
  due_at       INTEGER NOT NULL,
  from_at      INTEGER NOT NULL,
  to_at        INTEGER NOT NULL,
  produced_at  INTEGER NOT NULL,
  markdown     TEXT NOT NULL,
  data         TEXT NOT NULL,              -- JSON
  UNIQUE (mission, every, due_at)
);
