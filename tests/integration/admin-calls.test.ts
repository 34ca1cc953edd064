// The site admin's roster and file-export calls through the IPC dispatcher, on a real core.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { openTestCore } from '../helpers/core';
import { dispatch } from '../../electron/core/ipc/dispatch';
import type { KioskCore } from '../../electron/core/kiosk';

const disposers: (() => void)[] = [];
afterEach(() => disposers.splice(0).forEach((d) => d()));
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const call = (core: KioskCore, name: string, payload: unknown) => dispatch(core, name, payload) as Promise<{ ok: boolean; value?: Loose; error?: Loose }>;

async function adminToken(core: KioskCore): Promise<string> {
  await call(core, 'setPin', { role: 'site_admin', pin: '246810' });
  return (await call(core, 'staffUnlock', { pin: '246810' })).value.token;
}

describe('roster from the admin screen', () => {
  it('imports now from the configured CSV, reports bad rows by line, and streams progress', async () => {
    const t = openTestCore('2026-11-24T09:00:00Z', { demo: false });
    disposers.push(t.dispose);
    const token = await adminToken(t.core);
    const csv = path.join(t.dataDir, 'roster.csv');
    fs.writeFileSync(csv, ['id,forename,surname,year,badge', 's1,Ada,Lovelace,9,555001', 's2,,Nameless,9,555002', 's3,Alan,Turing,10,555003'].join('\n'));

    expect((await call(t.core, 'rosterImportNow', { token })).error).toMatchObject({ code: 'invalid_request' }); // no source yet
    const bad = await call(t.core, 'rosterSaveConfig', { token, config: { source: { kind: 'csv', path: csv }, schedule: { enabled: true, at: '25:00' } } });
    expect(bad.error).toMatchObject({ code: 'validation_failed', issues: [{ path: 'schedule.at' }] });
    const saved = await call(t.core, 'rosterSaveConfig', { token, config: { source: { kind: 'csv', path: csv } } });
    expect(saved.ok).toBe(true);

    const phases: string[] = [];
    t.core.on('rosterProgress', (p) => phases.push(p.phase));
    const run = (await call(t.core, 'rosterImportNow', { token })).value;
    expect(run).toMatchObject({ outcome: 'applied', issueCount: 1 });
    expect(run.issues[0]).toMatchObject({ line: 3 });
    expect(run.counts).toMatchObject({ added: 2 });
    expect(phases).toContain('writing');
    expect(t.core.scan({ code: '555001' }).ok).toBe(true);

    const status = (await call(t.core, 'rosterStatus', { token })).value;
    expect(status.lastImport.id).toBe(run.id);
    expect(status.pendingRollover).toBeNull();
    expect(status.config.source).toMatchObject({ kind: 'csv' });
  });

  it('replaces the demo students only after the admin confirms; discarding with no new year waiting answers plainly', async () => {
    const t = openTestCore('2026-11-24T09:00:00Z'); // demo roster seeded
    disposers.push(t.dispose);
    const token = await adminToken(t.core);
    const csv = path.join(t.dataDir, 'roster.csv');
    fs.writeFileSync(csv, 'id,forename,surname,year,badge\ns1,Ada,Lovelace,9,555001\n');
    await call(t.core, 'rosterSaveConfig', { token, config: { source: { kind: 'csv', path: csv } } });
    const asked = (await call(t.core, 'rosterImportNow', { token })).value;
    expect(asked).toMatchObject({ outcome: 'refused', counts: { demo: 200 } });
    const done = (await call(t.core, 'rosterImportNow', { token, replaceDemo: true })).value;
    expect(done).toMatchObject({ outcome: 'applied', counts: { added: 1, demoReplaced: 200 } });

    // Issue 13: "discard" with nothing pending used to answer `internal`.
    const discard = await call(t.core, 'rosterRollover', { token, decision: 'discard' });
    expect(discard).toMatchObject({ ok: true, value: { run: null, message: expect.stringMatching(/nothing to discard/) } });
    const approve = await call(t.core, 'rosterRollover', { token, decision: 'approve' });
    expect(approve.error).toMatchObject({ code: 'invalid_request', message: expect.stringMatching(/no new academic year waiting/) });
  });

  it('refuses roster calls without a site admin session', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    expect((await call(t.core, 'rosterStatus', { token: 'x'.repeat(20) })).error.code).toBe('forbidden');
  });
});

describe('file export from the admin screen', () => {
  it('says plainly when the file export is not the configured connection', async () => {
    const t = openTestCore();
    disposers.push(t.dispose);
    const token = await adminToken(t.core);
    expect((await call(t.core, 'fileExportStatus', { token })).value).toMatchObject({ available: false });
    expect((await call(t.core, 'fileExportRunNow', { token })).error.message).toMatch(/not the configured MIS connection/);
  });
});
