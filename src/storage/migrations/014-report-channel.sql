-- The reporting-gap watch (DATA.GAP) groups a mission's recent reports by source channel on every
-- sweep (each minute). Read out of each packed body (json_extract(vigil_json(body))), that was an
-- inflate per report per check: seconds of CPU a minute on a 100k history, inside a write job. The
-- channel is now a column of its own, written with the body (src/storage/reports-repo.ts).
ALTER TABLE reports ADD COLUMN channel TEXT;
UPDATE reports SET channel = json_extract(vigil_json(body), '$.source.channel');
