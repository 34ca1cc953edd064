// The roster's row checks (electron/core/roster/model.ts checkStudent, checkContact) take the plain
// row without zod, for speed (issue 16). They must accept exactly what the schemas accept, turn it
// into exactly what the schemas make of it, and leave every other row (and its error message) to
// the schemas. Held side by side here on thousands of random rows, edge cases first.
import { describe, expect, it, vi } from 'vitest';
import type { z } from 'zod';
import { student } from '../../shared/model';
import { checkContact, checkStudent, contact } from '../../electron/core/roster/model';
import { seededRandom, type SeededRandom } from '../helpers/random';

type Rng = SeededRandom;

/** Text around a limit: empty, blank, padded, exactly at it, one over, non-ASCII, odd values. */
function text(r: Rng, limit: number): unknown {
  const sizes = [0, 1, 2, limit - 1, limit, limit + 1, Math.floor(limit / 2)];
  const len = Math.max(0, r.pick(sizes));
  const core = r.pick(['a', 'Zoë', '李', ' ', '\t', '😀', 'O’Neil'] as const).repeat(len).slice(0, Math.max(0, len));
  return r.pick([core, ` ${core} `, `${core}  `, '  ', '', null, undefined, 42, true, {}, ['x'], core.trim()] as const);
}

function year(r: Rng): unknown {
  return r.pick([null, undefined, -3, -2, -1, 0, 7, 13, 14, 15, 9.5, NaN, Infinity, -0, '9', 1e21] as const);
}

/** Mostly a plain value (so that whole rows pass), else an edge case. */
const often = (r: Rng, plain: unknown, edge: () => unknown) => (r.next() < 0.85 ? plain : edge());

function studentRow(r: Rng): Record<string, unknown> {
  const row: Record<string, unknown> = {
    id: often(r, `S${Math.floor(r.next() * 1e6)}`, () => text(r, 64)),
    misId: often(r, '200001', () => text(r, 64)),
    forename: often(r, 'Amelia', () => text(r, 80)),
    surname: often(r, ' Smith ', () => text(r, 80)),
    year: often(r, 9, () => year(r)),
    form: often(r, '9A', () => text(r, 40)),
    groupId: often(r, null, () => text(r, 64)),
    badge: often(r, '200001', () => text(r, 128)),
    // A photo at its limit is 2 MB of text: rare, to keep the test quick.
    photo: r.next() < 0.98 ? often(r, null, () => 'data:image/jpeg;base64,AAAA') : text(r, 2_000_000),
    active: often(r, undefined, () => r.pick([undefined, true, false, 1, 'yes'] as const)),
  };
  // Some rows leave fields out (the defaults), some bring keys the schema does not know (stripped).
  for (const k of Object.keys(row)) if (r.next() < 0.1) delete row[k];
  if (r.next() < 0.1) row.extra = 'ignored';
  return row;
}

function contactRow(r: Rng): Record<string, unknown> {
  const row: Record<string, unknown> = {
    name: often(r, 'Parent Smith', () => text(r, 120)),
    relationship: often(r, 'Mother ', () => text(r, 40)),
    phone: often(r, '07700 900001', () => text(r, 40)),
    email: often(r, 'parent1@example.org', () => text(r, 254)),
    parentalResponsibility: often(r, true, () => r.pick([null, undefined, true, false, 'yes', 1] as const)),
    priority: often(r, 1, () => r.pick([null, undefined, 0, 1, 99, 100, -1, 2.5, NaN, '1'] as const)),
  };
  for (const k of Object.keys(row)) if (r.next() < 0.1) delete row[k];
  return row;
}

/**
 * Our check and the schema's, side by side on `n` random rows: the same verdict, the same value
 * (and key order), the same issues. Returns how many rows were accepted.
 */
function sideBySide<T>(n: number, row: () => Record<string, unknown>, ours: (r: never) => z.ZodSafeParseResult<T>, schema: z.ZodType<T>): number {
  let accepted = 0;
  for (let i = 0; i < n; i++) {
    const r = row();
    const a = ours(r as never);
    const b = schema.safeParse(r);
    expect(a.success, JSON.stringify(r)).toBe(b.success);
    if (a.success && b.success) {
      expect(a.data).toEqual(b.data);
      expect(Object.keys(a.data as object)).toEqual(Object.keys(b.data as object));
      accepted++;
    } else if (!a.success && !b.success) {
      expect(a.error.issues).toEqual(b.error.issues);
    }
  }
  return accepted;
}

describe('roster row checks', () => {
  it('accept, shape and refuse every student row exactly as the student schema does', () => {
    const r = seededRandom(16);
    const accepted = sideBySide(10_000, () => studentRow(r), checkStudent, student);
    // Both sides were exercised.
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(9_000);
  });

  it('accept, shape and refuse every contact exactly as the contact schema does', () => {
    const r = seededRandom(17);
    const accepted = sideBySide(10_000, () => contactRow(r), checkContact, contact);
    expect(accepted).toBeGreaterThan(1000);
    expect(accepted).toBeLessThan(9_000);
  });

  it('check the rows a school sends by the thousand without zod (the speed they are for)', () => {
    const studentSpy = vi.spyOn(student, 'safeParse');
    const contactSpy = vi.spyOn(contact, 'safeParse');
    try {
      const s = checkStudent({ id: 'S000001', misId: '200001', forename: 'Amelia ', surname: 'Smith', year: 9, form: '9A', groupId: null, badge: '200001', photo: null });
      const c = checkContact({ name: 'Parent Smith', relationship: 'Mother', phone: '07700 900001', email: 'parent1@example.org', parentalResponsibility: true, priority: 1 });
      expect(s.success && s.data.forename).toBe('Amelia');
      expect(c.success && c.data.priority).toBe(1);
      expect(studentSpy).not.toHaveBeenCalled();
      expect(contactSpy).not.toHaveBeenCalled();
      // A row that breaks a rule goes to the schema, for its own message.
      const bad = checkStudent({ id: 'S2', forename: '', surname: 'Smith' });
      expect(bad.success).toBe(false);
      expect(studentSpy).toHaveBeenCalledTimes(1);
      expect(!bad.success && bad.error.issues[0]!.message).toBe('The first name is missing.');
    } finally {
      studentSpy.mockRestore();
      contactSpy.mockRestore();
    }
  });
});
