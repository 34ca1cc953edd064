import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../helpers/core';
import { runCli as cli } from '../helpers/cli';

const dirs: string[] = [];
afterEach(() => {
  vi.restoreAllMocks();
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});
function dataDir() {
  const d = tempDir('passdesk-cli-');
  dirs.push(d);
  return d;
}

describe('admin CLI', () => {
  it('imports a roster CSV through the one roster import, reporting broken rows by line and keeping the good ones', async () => {
    const d = dataDir();
    const csv = path.join(d, 'roster.csv');
    fs.writeFileSync(
      csv,
      ['id,forename,surname,year,badge', 'x1,Ada,Lovelace,9,555001', 'x2,,Nameless,9,555002', 'x3,Alan,Turing,Year Ten,555003', 'x4,Grace,Hopper,Year 10,555001', 'x5,Tim,Berners-Lee,11,555005'].join('\n'),
    );
    const r = await cli(['import-roster', csv, '--replace-demo', '--data-dir', d, '--json']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out);
    // Issue 13: the CLI now runs RosterService: an unreadable year keeps the student (warning), and
    // a repeated badge is a clash with its real line (the student comes in without the badge).
    expect(out).toMatchObject({ outcome: 'applied', imported: 4, counts: { added: 4, leavers: 200 } });
    expect(out.errors.map((e: { line: number }) => e.line)).toEqual([3]);
    expect(out.warnings).toEqual([
      { line: 4, message: expect.stringMatching(/"Year Ten" is not a year/) },
      { line: 5, message: expect.stringMatching(/Badge 555001 of x4 is also given to x1 \(line 2\)/) },
    ]);
  });

  it('imports a ";"-separated Excel export (BOM, CRLF) and refuses rows without an id or with an impossible badge, by line', async () => {
    const d = dataDir();
    const csv = path.join(d, 'leerlingen.csv');
    const rows = ['id;forename;surname;year;form;badge', 's1;Émilie;Dubois;Year 8;8B;700001', ';Ghost;Row;9;9A;700002', 's3;Jan;de Vries;9;9A;QUICKCARD', 's4;Noor;Bakker;Year R;R1;700004'];
    fs.writeFileSync(csv, '\ufeff' + rows.join('\r\n') + '\r\n');
    const r = await cli(['import-roster', csv, '--replace-demo', '--data-dir', d]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Imported 2 student\(s\) from leerlingen.csv: 2 new/);
    expect(r.out).toMatch(/line 3: not imported: This row has no student id/);
    expect(r.out).toMatch(/line 4: not imported: The badge of s3 \(QUICKCARD\) can never be scanned/);
    expect(r.out).toMatch(/2 row\(s\) were not imported/);
    const scan = await cli(['scan', '700001', '--at', '2026-11-24T08:50:00Z', '--data-dir', d, '--json']);
    expect(JSON.parse(scan.out).event.studentId).toBe('s1');
  });

  it('a roster file that cannot be read fails with its reason and changes nothing', async () => {
    const d = dataDir();
    const r = await cli(['import-roster', path.join(d, 'nowhere.csv'), '--replace-demo', '--data-dir', d]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Roster import failed\.\nThe roster file .*nowhere\.csv cannot be read \(ENOENT\)/);
    // The demo students are still there: a demo badge still signs in.
    expect((await cli(['scan', '100003', '--at', '2026-11-24T08:50:00Z', '--data-dir', d])).code).toBe(0);
  });

  it('keeps the demo students until the first real roster is confirmed; then they leave and their sign-ins stay', async () => {
    const d = dataDir();
    expect((await cli(['scan', '100003', '--at', '2026-11-24T08:50:00Z', '--data-dir', d])).code).toBe(0);
    const csv = path.join(d, 'roster.csv');
    fs.writeFileSync(csv, 'id,forename,surname,year,badge\nr1,Real,Student,9,655001\n');
    const refused = await cli(['import-roster', csv, '--data-dir', d]);
    expect(refused.code).toBe(1);
    expect(refused.out).toMatch(/still holds the 200 demo students.*--replace-demo.*Nothing was changed/s);
    expect((await cli(['scan', '655001', '--at', '2026-11-24T08:51:00Z', '--data-dir', d])).code).toBe(1);

    const done = await cli(['import-roster', csv, '--replace-demo', '--data-dir', d]);
    expect(done.code).toBe(0);
    expect(done.out).toMatch(/200 demo students were replaced/);
    expect((await cli(['scan', '655001', '--at', '2026-11-24T08:52:00Z', '--data-dir', d])).code).toBe(0);
    expect((await cli(['scan', '100004', '--at', '2026-11-24T08:53:00Z', '--data-dir', d])).code).toBe(1);
    expect((await cli(['events', '--date', '2026-11-24', '--data-dir', d])).out).toMatch(/demo-3/);
  });

  it('scans a badge at a given instant with a reason and lists the event', async () => {
    const d = dataDir();
    const r = await cli(['scan', '100003', '--at', '2026-11-24T09:25:00Z', '--reason', 'medical', '--data-dir', d, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).event).toMatchObject({ code: 'M', minutesLate: 25, session: 'AM' });
    const list = await cli(['events', '--date', '2026-11-24', '--data-dir', d]);
    expect(list.out).toMatch(/09:25 sign_in\s+demo-3\s+M/);
    const outbox = await cli(['outbox', '--data-dir', d, '--json']);
    expect(JSON.parse(outbox.out).counts.pending).toBe(1);
  });

  it('refuses a garbage scan with exit code 1 and never echoes it', async () => {
    const r = await cli(['scan', 'QUICKCARD:pass=hunter2', '--data-dir', dataDir()]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/Refused: bad pattern/);
    expect(r.out + r.err).not.toContain('hunter2');
  });

  it('exports settings and imports them on another kiosk; invalid ones are refused field by field', async () => {
    const a = dataDir();
    const b = dataDir();
    const file = path.join(a, 'settings.json');
    expect((await cli(['settings', 'export', file, '--data-dir', a])).code).toBe(0);
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    s.schoolName = 'Provisioned School';
    fs.writeFileSync(file, JSON.stringify(s));
    expect((await cli(['settings', 'import', file, '--data-dir', b])).out).toMatch(/applied for Provisioned School/);
    s.rules.sessions.PM.lateAfter = '11:00';
    fs.writeFileSync(file, JSON.stringify(s));
    const bad = await cli(['settings', 'import', file, '--data-dir', b]);
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/rules\.sessions\.PM\.lateAfter: The late time must be at or after the session start/);
  });

  it('runs as a real command through npm’s entry point', () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'electron/core/cli/main.ts', 'scan', '100010', '--at', '2026-11-24T08:50:00Z', '--data-dir', dataDir()], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
    });
    expect(out).toMatch(/signed in at 08:50/);
  });
});
