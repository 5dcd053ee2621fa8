-- The key that seals the feed cursors handed to mission-scoped clients (src/http/feed-cursor.ts):
-- made once, at random, with the database, so cursors stay valid across restarts and mean
-- nothing to anyone but this service.
CREATE TABLE service_secrets (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL CHECK (length(value) = 32)
) STRICT;
INSERT INTO service_secrets (name, value) VALUES ('feed-cursor', randomblob(32));
