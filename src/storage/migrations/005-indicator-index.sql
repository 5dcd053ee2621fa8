-- Which definition each indicator's input index was built with (its taxonomy, match and stored
-- fields). A reload that changes one rebuilds that indicator's index from the stored reports.
CREATE TABLE indicator_index (
  indicator_id TEXT PRIMARY KEY,
  signature    TEXT NOT NULL,
  built_at     INTEGER NOT NULL,
  inputs       INTEGER NOT NULL
) WITHOUT ROWID;
