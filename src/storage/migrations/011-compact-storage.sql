-- Storage size (issue 22): a report's body is kept once, and an alert change stores what changed.

-- An alert change holds the whole alert (a keyframe, base null) or a patch against its alert's
-- latest keyframe (base = that keyframe's seq): src/storage/alert-change-codec.ts. The rewrite
-- of the stored changes is this migration's data step (src/storage/migration-steps.ts).
ALTER TABLE alert_changes ADD COLUMN base INTEGER;

-- A stored answer (what an identical retry replays) keeps only the seqs of the alert changes it
-- reported: its report is revision 1's body, and each change's summary is its alert_changes row.
UPDATE report_revisions SET result = (SELECT json_group_array(json_extract(a.value, '$.seq'))
    FROM json_each(report_revisions.result, '$.alerts') a)
  WHERE result IS NOT NULL AND json_type(result) = 'object';

-- The latest content revision's body is the reports row's body: kept there only. An older
-- revision keeps its own body (it differs from the current one).
UPDATE report_revisions SET body = NULL
  WHERE kind != 'retract' AND revision = (SELECT max(r.revision) FROM report_revisions r
    WHERE r.report_id = report_revisions.report_id AND r.kind != 'retract');
