// The roster import's leavers, kills and final write (issue 16 item 2, issue 17): a leaver's
// contacts go with them in the same import (docs/privacy.md); a kiosk killed while the pages are
// read leaves students held off the desk, which the next import takes off before it reads the
// roster, so that it counts its new students as new and keeps nothing of students the MIS has
// dropped since; a final write that fails after putting the early students on leaves the roster as
// it was. (From the second review of the change.)
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { silentLogger } from '../../electron/core/logging/logger';
import { RosterStore } from '../../electron/core/db/roster-store';
import { runImportJob } from '../../electron/core/roster/import-job';
import type { Contact, RosterRecord, SourceContext, SourceResult } from '../../electron/core/roster/model';

const AT = '2026-11-24T02:30:00Z';
const disposers: (() => unknown)[] = [];
afterEach(async () => {
  for (const d of disposers.splice(0).reverse()) await d();
});

const contactOf = (n: number): Contact[] => [{ name: `Parent ${n}`, relationship: 'Mother', phone: `07700 9${String(n).padStart(5, '0')}`, email: null, parentalResponsibility: true, priority: 1 }];

function rec(line: number, id: string, badge: string | null, contacts?: Contact[]): RosterRecord {
  return {
    line,
    student: { id, misId: id, forename: 'Ava', surname: `S${id}`, year: 9, form: '9A', groupId: null, badge, photo: null, active: true },
    groupName: null,
    groupHints: [],
    badgeGiven: true,
    photoGiven: false,
    contacts,
  } as RosterRecord;
}

const roster = (n: number, from = 0) => Array.from({ length: n }, (_, i) => rec(i + 1, `s${from + i}`, String(500000 + from + i), contactOf(from + i)));

function kiosk() {
  const t = openTestCore(AT, { demo: false });
  disposers.push(t.dispose);
  const store = new RosterStore(t.core.db);
  /** One import in-process; `hangAfter`: the kiosk is killed after that page (the read never ends). */
  const run = (pages: RosterRecord[][], o: { hangAfter?: number; killed?: () => void; confirmLeavers?: boolean } = {}) => {
    const runId = store.beginRun('scheduled', 'wonde', 'test', AT);
    const read = async (ctx: SourceContext): Promise<SourceResult> => {
      const records: RosterRecord[] = [];
      for (const [i, page] of pages.entries()) {
        records.push(...page);
        if (ctx.onPage) await ctx.onPage(page);
        if (o.hangAfter === i) {
          o.killed?.();
          await new Promise(() => undefined);
        }
      }
      return { records, issues: [], label: 'MIS (test)' };
    };
    return runImportJob(
      { db: t.core.db, store, logger: silentLogger, progress: () => undefined },
      { runId, trigger: 'scheduled', sourceKind: 'wonde', nowIso: AT, confirmLeavers: o.confirmLeavers, settings: t.core.getSettings() },
      read,
    );
  };
  const contactsOf = (id: string) => t.core.db.prepare('SELECT COUNT(*) FROM student_contacts WHERE student_id = ?').pluck().get(id);
  const row = (id: string) => t.core.db.prepare('SELECT id, badge, active FROM students WHERE id = ?').get(id);
  /** Killed after page `after` of `pages`: resolves once the kiosk is "off" (the read never ends). */
  const killedAfter = (pages: RosterRecord[][], after: number) =>
    new Promise<void>((killed) => {
      void k.run(pages, { hangAfter: after, killed });
    });
  const k = { ...t, store, run, contactsOf, row, killedAfter };
  return k;
}

describe('leavers, kills and the final write', () => {
  // docs/privacy.md: "A student who leaves the roster has their contacts deleted in the same import."
  it('a leaver\'s contacts are deleted in the same import (docs/privacy.md)', async () => {
    const k = kiosk();
    expect((await k.run([roster(30)])).outcome).toBe('applied');
    expect(k.contactsOf('s0')).toBe(1);
    const f = await k.run([roster(29, 1)]); // s0 has left
    expect(f).toMatchObject({ outcome: 'applied', counts: { leavers: 1 } });
    expect(k.row('s0')).toMatchObject({ active: 0 });
    expect(k.contactsOf('s0')).toBe(0);
  });

  // A kiosk killed while reading: the next import lands the same roster and reports the students
  // written early as new (the admin screen, the CLI's summary).
  it('after a kill while reading, the next import counts the held students as new, as if the first had never started', async () => {
    const k = kiosk();
    expect((await k.run([roster(30)])).outcome).toBe('applied');
    const tonight = [roster(30), roster(10, 100), roster(10, 110)];
    await k.killedAfter(tonight, 1); // killed while the third page is fetched
    expect(k.row('s100')).toMatchObject({ active: 0 });
    const again = await k.run(tonight);
    expect(again.outcome).toBe('applied');
    expect(k.row('s100')).toMatchObject({ active: 1 });
    expect(again.counts).toMatchObject({ added: 20, updated: 0, returned: 0 });
  });

  // A student written early (held) whom the MIS then drops before the next import: no row, no
  // badge, no contacts of a student who was never on the roster.
  it('a held student the next roster no longer lists leaves nothing on the kiosk', async () => {
    const k = kiosk();
    expect((await k.run([roster(30)])).outcome).toBe('applied');
    await k.killedAfter([roster(30), roster(10, 100)], 1);
    expect(k.contactsOf('s100')).toBe(1);
    const again = await k.run([roster(30)]); // the MIS removed the ten (entered by mistake)
    expect(again.outcome).toBe('applied');
    expect(k.row('s100')).toBeUndefined();
    expect(k.contactsOf('s100')).toBe(0);
  });

  // The final write fails after its activate ops committed: the whole import is taken back.
  it('a final write that fails after putting the early students on the desk leaves the roster as it was', async () => {
    const k = kiosk();
    expect((await k.run([roster(30)])).outcome).toBe('applied');
    const before = k.core.db.prepare('SELECT * FROM students ORDER BY id').all();
    const contactsBefore = k.core.db.prepare('SELECT * FROM student_contacts ORDER BY student_id').all();
    // The last write of the final step (s29's changed contacts) fails: disk full. Thousands of
    // early students, so that their activation spans more than one chunk before it.
    k.core.db.exec(`CREATE TEMP TRIGGER review2_full BEFORE UPDATE ON student_contacts WHEN NEW.student_id = 's29' BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`);
    const changed = roster(30).map((r, i) => ({ ...r, contacts: contactOf(900 + i) }));
    const early = Array.from({ length: 4000 }, (_, i) => rec(i + 1, `n${i}`, String(700000 + i), contactOf(3000 + i)));
    await expect(k.run([early.slice(0, 2000), early.slice(2000), changed])).rejects.toThrow(/disk is full/);
    expect(k.core.db.prepare('SELECT * FROM students ORDER BY id').all()).toEqual(before);
    expect(k.core.db.prepare('SELECT * FROM student_contacts ORDER BY student_id').all()).toEqual(contactsBefore);
  });
});
