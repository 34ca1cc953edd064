// The composition root (issue 14): the ports exist from the start and say "none" until the
// runtime starts them; starting, a settings save and stopping never replace them; every event —
// the kiosk's and the desk's correction — is written by the one commitEvent.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openTestCore } from '../helpers/core';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function kiosk() {
  const t = openTestCore('2026-11-24T09:12:00Z');
  cleanups.push(t.dispose);
  return t;
}

describe('runtime', () => {
  it('has every port before start: no MIS, no printer, no scanner, and says so', async () => {
    const { core } = kiosk();
    expect(core.sync.online()).toBeNull();
    expect(await core.sync.testConnection()).toEqual({ ok: false, message: 'No MIS is connected. Choose one and save the settings first.' });
    const status = await core.getStatus();
    expect(status.printer).toEqual({ state: 'disabled', problem: null });
    expect(status.scanner).toEqual({ state: 'none', problem: null });
    expect(status.online).toBeNull();
    expect(core.diagnostics.printerStatus).toBeUndefined();
    expect(core.sync.fileExport).toBeNull();
  });

  it('keeps the same ports through start, a settings save and stop', async () => {
    const { core } = kiosk();
    const ports = { sync: core.sync, staff: core.staff, attendance: core.attendance, settings: core.settings, maintenance: core.maintenance };
    await core.start({ hidBackend: null, schedules: false });
    cleanups.push(() => core.stop());
    expect(core.diagnostics.printerStatus).toBeTypeOf('function');
    core.updateSettings({ settings: structuredClone(core.getSettings()) });
    await core.stop();
    expect(core.diagnostics.printerStatus).toBeUndefined();
    for (const [k, v] of Object.entries(ports)) expect(core[k as keyof typeof ports]).toBe(v);
  });

  it('writes the kiosk sign-in and the desk correction through one commitEvent', async () => {
    const { core } = kiosk();
    const commit = vi.spyOn(core.attendance, 'commitEvent');
    const rec = await core.record({ studentId: 'demo-3', direction: 'sign_in', reasonId: 'traffic' });
    const other = core.getSettings().rules.reasons.find((r) => r.id !== 'traffic' && r.directions.includes('sign_in'))!;
    const next = core.staff.override({ eventId: rec.event.id, reasonId: other.id }, 'receptionist');
    expect(commit).toHaveBeenCalledTimes(2);
    expect(next.supersedes).toBe(rec.event.id);
    expect(core.events.get(rec.event.id)!.supersededBy).toBe(next.id);
    expect(core.staff.auditLog(1)[0]).toMatchObject({ action: 'event.override', subject: rec.event.id });
  });
});
