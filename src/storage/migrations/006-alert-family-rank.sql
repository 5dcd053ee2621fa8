-- Every alert write asks which active alerts of its family (mission, top category) rank above
-- it, to flag inhibition. With rank in the index that reads only those, not the whole family.
DROP INDEX alerts_family;
CREATE INDEX alerts_family ON alerts (mission, top_category, rank) WHERE status IN ('open', 'acknowledged');
