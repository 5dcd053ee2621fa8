-- Storage size (issue 22): report bodies and alert-change snapshots are stored packed, deflated
-- against a preset dictionary of their keys (src/storage/packed-json.ts): a BLOB whose first byte
-- names the dictionary. A TEXT value is read as it is, so this rewrite may stop anywhere: values
-- too short to gain stay text. vigil_pack and vigil_json are registered on every connection
-- vigil opens (src/storage/db.ts). Dictionary ids: 1 reports, 2 alert changes.
UPDATE reports SET body = vigil_pack(body, 1) WHERE typeof(body) = 'text';
UPDATE report_revisions SET body = vigil_pack(body, 1) WHERE typeof(body) = 'text';
UPDATE alert_changes SET alert = vigil_pack(alert, 2) WHERE typeof(alert) = 'text';
