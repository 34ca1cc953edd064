// A refused scan may be a login QR code (user name and password) when the badge pattern is broad:
// from here on a refusal keeps its reason, its length and a salted hash, never its text (issue 13).
// The hash needs the kiosk's salt, which lives in the secret store, out of the database's reach:
// the text already stored is hashed and cleared by ScanRejectionLog.hashStoredText() when the
// kiosk opens (right after this step). The `badge` column stays (migrations only add) and is
// always NULL from now on.
export const migration007 = {
  version: 7,
  name: 'scan-rejection-hash',
  sql: `
ALTER TABLE scan_rejections ADD COLUMN length INTEGER;
ALTER TABLE scan_rejections ADD COLUMN hash TEXT;
UPDATE scan_rejections SET length = length(badge) WHERE badge IS NOT NULL;
`,
};
