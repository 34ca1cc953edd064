// Overrides link events both ways; retention deletes and the receptionist's list follow those
// links, so they need indexes (without them every delete scans the events table).
export const migration005 = {
  version: 5,
  name: 'supersede-index',
  sql: `
CREATE INDEX events_supersedes ON events(supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX events_superseded_by ON events(superseded_by) WHERE superseded_by IS NOT NULL;
`,
};
