// Issue 16, the scan path again: one b-tree fewer written (and synced) with every sign-in.
//
// events_occurred (migration 004) kept every event in time order for one reader only: the
// admin's writeback log, newest first. events_day (local_date, occurred_at) holds the same
// order within each school day, and a school day's events all happen on that day, so the log
// now reads "newest day first, newest first within the day" from events_day, with no sort
// (db/writeback-log.ts). Every other read of the events names a day, a student or an id.
// A sign-in wrote this index's page to the WAL and synced it like the event itself: about a
// tenth of the write on top of a bare row's.
export const migration014 = {
  version: 14,
  name: 'scan-path-occurred',
  sql: `
DROP INDEX IF EXISTS events_occurred;
`,
};
