// Issue 16, the scan path: a sign-in writes only what the student at the kiosk needs.
//
// 1. "Is this student already signed in today?" (events.lastOfDay) asks for a student's newest
//    standing event of a day. With only (student_id, local_date) indexed, SQLite preferred
//    events_day (local_date, occurred_at), which hands rows back in time order, and walked EVERY
//    event of the day to find one student's: a read that grew through the morning (0.2 ms at
//    1,500 events a day). With occurred_at in the student's index it is one seek. Same leading
//    columns, so every query that used the old index still can.
//
// 2. The lateness counts (migration 011) were kept by three triggers in the sign-in's own
//    transaction: three upserts into three tables and their report indexes, eight or so b-tree
//    pages written and synced with every late sign-in, two-thirds of the cost of the whole write.
//    Now a late sign-in only notes its event in late_pending (one row, appended); the counts are
//    caught up from there in one batch, off the scan path (db/late-counts.ts catchUpLateCounts:
//    a second after a sign-in, before every read of the counts, and before the retention purge).
//    The note commits with the event, so a late is never lost to the counts, whatever is killed
//    when. The threshold check at sign-in adds the pending lates to the counts.
//    The supersede triggers (an override) take a late off the counts only when it was counted:
//    a pending late that is superseded is simply not counted by the catch-up, which counts
//    standing events only.
export const migration013 = {
  version: 13,
  name: 'scan-path',
  sql: `
DROP INDEX events_student_day;
CREATE INDEX events_student_day ON events(student_id, local_date, occurred_at);

-- The year and form are the student's at the sign-in (as migration 011's trigger read them),
-- so a catch-up after a roll-over still counts the late where it happened.
CREATE TABLE late_pending (event_rowid INTEGER PRIMARY KEY, year INTEGER, form TEXT);

DROP TRIGGER late_counts_on_insert;
DROP TRIGGER late_weeks_on_insert;
DROP TRIGGER late_period_counts_on_insert;
CREATE TRIGGER late_pending_on_insert AFTER INSERT ON events
WHEN NEW.direction = 'sign_in' AND NEW.minutes_late > 0 AND NEW.superseded_by IS NULL
BEGIN
  INSERT INTO late_pending (event_rowid, year, form)
  SELECT NEW.rowid, s.year, s.form FROM (SELECT 1) LEFT JOIN students s ON s.id = NEW.student_id;
END;

DROP TRIGGER late_counts_on_supersede;
CREATE TRIGGER late_counts_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
  AND NOT EXISTS (SELECT 1 FROM late_pending WHERE event_rowid = OLD.rowid)
BEGIN
  UPDATE late_counts SET lates = lates - 1
  WHERE student_id = OLD.student_id AND local_date = OLD.local_date AND lates > 0;
END;

DROP TRIGGER late_weeks_on_supersede;
CREATE TRIGGER late_weeks_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
  AND NOT EXISTS (SELECT 1 FROM late_pending WHERE event_rowid = OLD.rowid)
BEGIN
  UPDATE late_weeks SET lates = lates - 1
  WHERE week_start = date(OLD.local_date, 'weekday 0', '-6 days') AND student_id = OLD.student_id AND lates > 0;
END;

DROP TRIGGER late_period_counts_on_supersede;
CREATE TRIGGER late_period_counts_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
  AND NOT EXISTS (SELECT 1 FROM late_pending WHERE event_rowid = OLD.rowid)
BEGIN
  UPDATE late_period_counts SET lates = lates - 1
  WHERE student_id = OLD.student_id AND lates > 0
    AND (kind, period_start) IN (SELECT kind, first_day FROM late_periods WHERE OLD.local_date BETWEEN first_day AND last_day);
END;
`,
};
