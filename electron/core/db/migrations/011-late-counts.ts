// Lateness counts that outlive the retention purge (issue 18).
//
// late_counts: late sign-ins per student per school-local day, nothing else: no reason, no time,
// no minutes. Weeks, half-terms and terms are sums over days, so a school that corrects its term
// dates later still gets the right counts. The year and form are the student's when the late
// happened (a report of last term still says "Year 9" after the roll-over).
// No foreign key to events: retention deletes everything that points at an event it purges
// (maintenance/retention.ts), and these counts must stay.
//
// The triggers keep the counts in the event's own transaction, whatever writes it (the kiosk,
// staff by hand, an override), so no writer can forget: a late counts when its standing event is
// inserted, and stops counting when an override supersedes it, so an overridden late counts once.
//
// late_alerts: which threshold a late sign-in reached, for the pass reprint, Today's flag and
// the staff email. It hangs off the event, so retention purges it with the event.
export const migration011 = {
  version: 11,
  name: 'late-counts',
  sql: `
CREATE TABLE late_counts (
  student_id TEXT NOT NULL,
  local_date TEXT NOT NULL,
  year INTEGER,
  form TEXT,
  lates INTEGER NOT NULL DEFAULT 0 CHECK (lates >= 0),
  PRIMARY KEY (student_id, local_date)
) WITHOUT ROWID;
-- Covering for the report (the table's key, student_id, is in every index of a WITHOUT ROWID
-- table): a term of 50,000 students is read from the index alone, in date order.
CREATE INDEX late_counts_day ON late_counts(local_date, year, form, lates);
-- The report's reasons and minutes, from the standing late sign-ins alone, without reading the
-- events themselves (issue 18's bench: 300,000 lates in a term).
CREATE INDEX events_late_reasons ON events(local_date, reason_label, minutes_late)
  WHERE direction = 'sign_in' AND minutes_late > 0 AND superseded_by IS NULL;

CREATE TRIGGER late_counts_on_insert AFTER INSERT ON events
WHEN NEW.direction = 'sign_in' AND NEW.minutes_late > 0 AND NEW.superseded_by IS NULL
BEGIN
  INSERT INTO late_counts (student_id, local_date, year, form, lates)
  VALUES (NEW.student_id, NEW.local_date,
          (SELECT year FROM students WHERE id = NEW.student_id),
          (SELECT form FROM students WHERE id = NEW.student_id), 1)
  ON CONFLICT (student_id, local_date) DO UPDATE SET lates = lates + 1;
END;

CREATE TRIGGER late_counts_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
BEGIN
  UPDATE late_counts SET lates = lates - 1
  WHERE student_id = OLD.student_id AND local_date = OLD.local_date AND lates > 0;
END;

-- The same counts per school week (Monday, from the day's own date: date(d, 'weekday 0', '-6 days')),
-- kept by the same triggers, so "3 lates in a week" over a term reads only the weeks that
-- reached a count instead of summing 300,000 days (issue 18's bench).
CREATE TABLE late_weeks (
  week_start TEXT NOT NULL,
  student_id TEXT NOT NULL,
  lates INTEGER NOT NULL DEFAULT 0 CHECK (lates >= 0),
  PRIMARY KEY (week_start, student_id)
) WITHOUT ROWID;
CREATE INDEX late_weeks_count ON late_weeks(week_start, lates);

CREATE TRIGGER late_weeks_on_insert AFTER INSERT ON events
WHEN NEW.direction = 'sign_in' AND NEW.minutes_late > 0 AND NEW.superseded_by IS NULL
BEGIN
  INSERT INTO late_weeks (week_start, student_id, lates)
  VALUES (date(NEW.local_date, 'weekday 0', '-6 days'), NEW.student_id, 1)
  ON CONFLICT (week_start, student_id) DO UPDATE SET lates = lates + 1;
END;

CREATE TRIGGER late_weeks_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
BEGIN
  UPDATE late_weeks SET lates = lates - 1
  WHERE week_start = date(OLD.local_date, 'weekday 0', '-6 days') AND student_id = OLD.student_id AND lates > 0;
END;

INSERT INTO late_counts (student_id, local_date, year, form, lates)
SELECT e.student_id, e.local_date, s.year, s.form, COUNT(*)
FROM events e LEFT JOIN students s ON s.id = e.student_id
WHERE e.direction = 'sign_in' AND e.minutes_late > 0 AND e.superseded_by IS NULL
GROUP BY e.student_id, e.local_date;

INSERT INTO late_weeks (week_start, student_id, lates)
SELECT date(local_date, 'weekday 0', '-6 days'), student_id, SUM(lates) FROM late_counts
GROUP BY 1, 2;

-- Half-terms and terms depend on the school's dates (settings), so the kiosk writes them here
-- (LatenessService.syncPeriods, at start-up and when the settings change) and the triggers keep
-- each student's count per period: "5 in a half-term" over 50,000 students then reads only the
-- students who reached a count, not every day of the term.
CREATE TABLE late_periods (
  kind TEXT NOT NULL CHECK (kind IN ('half_term', 'term')),
  first_day TEXT NOT NULL,
  last_day TEXT NOT NULL,
  PRIMARY KEY (kind, first_day)
) WITHOUT ROWID;
CREATE TABLE late_period_counts (
  kind TEXT NOT NULL,
  period_start TEXT NOT NULL,
  student_id TEXT NOT NULL,
  lates INTEGER NOT NULL DEFAULT 0 CHECK (lates >= 0),
  PRIMARY KEY (kind, period_start, student_id)
) WITHOUT ROWID;
CREATE INDEX late_period_counts_count ON late_period_counts(kind, period_start, lates);

CREATE TRIGGER late_period_counts_on_insert AFTER INSERT ON events
WHEN NEW.direction = 'sign_in' AND NEW.minutes_late > 0 AND NEW.superseded_by IS NULL
BEGIN
  INSERT INTO late_period_counts (kind, period_start, student_id, lates)
  SELECT kind, first_day, NEW.student_id, 1 FROM late_periods WHERE NEW.local_date BETWEEN first_day AND last_day
  ON CONFLICT (kind, period_start, student_id) DO UPDATE SET lates = lates + 1;
END;

CREATE TRIGGER late_period_counts_on_supersede AFTER UPDATE OF superseded_by ON events
WHEN OLD.superseded_by IS NULL AND NEW.superseded_by IS NOT NULL AND OLD.direction = 'sign_in' AND OLD.minutes_late > 0
BEGIN
  UPDATE late_period_counts SET lates = lates - 1
  WHERE student_id = OLD.student_id AND lates > 0
    AND (kind, period_start) IN (SELECT kind, first_day FROM late_periods WHERE OLD.local_date BETWEEN first_day AND last_day);
END;

CREATE TABLE late_alerts (
  event_id TEXT NOT NULL REFERENCES events(id),
  rule_id TEXT NOT NULL,
  period_start TEXT NOT NULL,
  count INTEGER NOT NULL,
  message TEXT NOT NULL,
  email_to TEXT,
  emailed_at TEXT,
  PRIMARY KEY (event_id, rule_id)
);
CREATE INDEX late_alerts_unsent ON late_alerts(emailed_at) WHERE email_to IS NOT NULL;
`,
};
