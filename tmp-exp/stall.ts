import fs from 'node:fs'; import os from 'node:os'; import path from 'node:path';
import { KioskCore } from '/work/wt/perf/electron/core/kiosk';
import { fixedClock } from '/work/wt/perf/electron/core/clock';
import { csvFileSource } from '/work/wt/perf/electron/core/roster/sources/files';
import { generatedStudent } from '/work/wt/perf/tests/fakes/wonde-roster/server';
const N = 20000;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exp-'));
const lines = ['id,mis_id,forename,surname,year,form,badge,contact_phone,contact_email'];
for (let i = 0; i < N; i++) { const s = generatedStudent(i, N)!; lines.push([s.id, s.mis_id, s.forename, s.surname, s.year, s.form, s.mis_id, s.parent!.phone, s.parent!.email].join(',')); }
fs.writeFileSync(path.join(dir, 'r.csv'), lines.join('\n'));
const core = KioskCore.open({ dataDir: dir, clock: fixedClock('2026-11-24T09:07:00Z'), demo: false });
let phase = 'start'; const t00 = performance.now();
let last = performance.now();
const iv = setInterval(() => { const now = performance.now(); if (now - last > 40) console.log(`gap ${(now-last).toFixed(0)} ms at ${(now-t00).toFixed(0)} phase ${phase}`); last = now; }, 5);
const run = await core.roster.importNow(csvFileSource(path.join(dir, 'r.csv')), { onProgress: (p) => { phase = `${p.phase} ${p.done}`; } });
console.log(run.outcome, (performance.now()-t00).toFixed(0));
clearInterval(iv); core.close();
