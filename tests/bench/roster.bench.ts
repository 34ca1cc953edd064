// Roster import benchmark: 50,000 students from the fake Wonde (over HTTP, in its own process)
// and from a CSV file, into a fresh kiosk database. Each measured run is its own child process so
// that its peak memory (maxRSS) is its own. Targets: < 10 s from the fake (whose own paging speed
// is the floor: the ratio import/raw-paging is printed), < 3 s from CSV.
//   npx tsx tests/bench/roster.bench.ts            (about 30 s on 2 cores)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const STUDENTS = 50_000;
const RUNS = 3;

type Scenario = 'raw' | 'wonde' | 'csv';
interface Figures {
  seconds: number;
  writeMs: number;
  peakRssMb: number;
  students: number;
  nightlySeconds?: number;
  /** Longest time the event loop was blocked during the import (the kiosk cannot answer a scan meanwhile). */
  maxStallMs?: number;
}

async function child(scenario: Scenario, fake: { baseUrl: string; origin: string; schoolId: string; token: string }, csvFile: string): Promise<Figures> {
  const { WondeHttp } = await import('../../electron/core/mis/wonde/http');
  const { unlimited } = await import('../../electron/core/mis/rate-limit');
  const { silentLogger } = await import('../../electron/core/logging/logger');
  const { openDatabase } = await import('../../electron/core/db/database');
  const { RosterService } = await import('../../electron/core/roster/service');
  const { WondeRosterSource } = await import('../../electron/core/roster/sources/wonde');
  const { csvFileSource } = await import('../../electron/core/roster/sources/files');
  const { siteSettings } = await import('../../shared/settings');
  const { defaultSettings } = await import('../../shared/defaults');

  const http = new WondeHttp({ baseUrl: fake.baseUrl, token: () => fake.token, limiter: unlimited, logger: silentLogger, timeoutMs: 30_000 });
  if (scenario === 'raw') {
    // The fake's own speed: page through without doing anything with the students.
    const t0 = performance.now();
    let url: string | null = `schools/${fake.schoolId}/students`;
    let n = 0;
    let first = true;
    while (url) {
      const page: { data: unknown[]; meta?: { pagination?: { next?: string | null } } } = await http.get(url, first ? { include: 'year,groups,contacts.contact_details', per_page: 200 } : undefined);
      first = false;
      n += page.data.length;
      url = page.meta?.pagination?.next ?? null;
    }
    return { seconds: (performance.now() - t0) / 1000, writeMs: 0, peakRssMb: process.resourceUsage().maxRSS / 1024, students: n };
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-roster-bench-'));
  try {
    const db = openDatabase(path.join(dir, 'passdesk.sqlite'));
    const settings = siteSettings.parse(defaultSettings);
    const roster = new RosterService({ db, settings: () => settings });
    const source = () =>
      scenario === 'wonde'
        ? new WondeRosterSource({ http, schoolId: fake.schoolId, origin: fake.origin, photos: false, contacts: true, badgeFrom: 'mis_id', perPage: 200 })
        : csvFileSource(csvFile);
    let writeStart = 0;
    let writeMs = 0;
    const onProgress = (p: { phase: string }) => {
      if (p.phase === 'writing' && !writeStart) writeStart = performance.now();
      if (p.phase === 'done' && writeStart) writeMs = performance.now() - writeStart;
    };
    // A 5 ms ticker: the longest gap between its ticks is the longest the loop was blocked.
    let lastTick = performance.now();
    let maxStallMs = 0;
    const ticker = setInterval(() => {
      const now = performance.now();
      maxStallMs = Math.max(maxStallMs, now - lastTick - 5);
      lastTick = now;
    }, 5);
    const t0 = performance.now();
    const run = await roster.importNow(source(), { onProgress });
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 20)); // let the ticker see the last blocked stretch
    clearInterval(ticker);
    if (run.outcome !== 'applied') throw new Error(`import ${run.outcome}: ${run.message}`);
    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    // The usual night: the same roster again, nothing to write.
    const t1 = performance.now();
    await roster.importNow(source());
    const nightlySeconds = (performance.now() - t1) / 1000;
    const students = (db.prepare('SELECT COUNT(*) AS n FROM students').get() as { n: number }).n;
    db.close();
    return { seconds, writeMs, peakRssMb, students, nightlySeconds, maxStallMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function runChild(scenario: Scenario, fakeJson: string, csvFile: string): Figures {
  const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--child', scenario, fakeJson, csvFile], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Figures;
}

async function writeCsv(file: string): Promise<void> {
  const { generatedStudent } = await import('../fakes/wonde-roster/server');
  const lines = ['id,mis_id,forename,surname,year,form,badge,contact_phone,contact_email'];
  for (let i = 0; i < STUDENTS; i++) {
    const s = generatedStudent(i, STUDENTS)!;
    lines.push([s.id, s.mis_id, s.forename, s.surname, s.year, s.form, s.mis_id, s.parent!.phone, s.parent!.email].join(','));
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const max = (xs: number[]) => Math.max(...xs);
const f = (n: number, d = 2) => n.toFixed(d);

async function main(): Promise<void> {
  if (process.argv[2] === '--child') {
    const figures = await child(process.argv[3] as Scenario, JSON.parse(process.argv[4]!), process.argv[5]!);
    process.stdout.write(JSON.stringify(figures) + '\n');
    return;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-roster-csv-'));
  const csvFile = path.join(dir, 'roster-50000.csv');
  await writeCsv(csvFile);
  const fakeProc = spawn(process.execPath, [...process.execArgv, path.join(root, 'tests/fakes/wonde-roster/main.ts'), String(STUDENTS)], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const fakeJson = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: fakeProc.stdout! });
      rl.once('line', resolve);
      fakeProc.once('exit', (code) => reject(new Error(`the fake Wonde stopped (${code})`)));
      setTimeout(() => reject(new Error('the fake Wonde did not start')), 20_000).unref();
    });
    const results: Record<Scenario, Figures[]> = { raw: [], wonde: [], csv: [] };
    for (let i = 0; i < RUNS; i++) for (const s of ['raw', 'wonde', 'csv'] as Scenario[]) results[s].push(runChild(s, fakeJson, csvFile));

    const raw = median(results.raw.map((r) => r.seconds));
    const wonde = median(results.wonde.map((r) => r.seconds));
    const csv = median(results.csv.map((r) => r.seconds));
    console.log(`roster import, ${STUDENTS} students, ${RUNS} runs each (fresh process per run)`);
    console.log(`fake Wonde raw paging (250 pages of 200): median ${f(raw)} s, max ${f(max(results.raw.map((r) => r.seconds)))} s`);
    console.log(`import from fake Wonde: median ${f(wonde)} s, max ${f(max(results.wonde.map((r) => r.seconds)))} s (target < 10 s)`);
    console.log(`import from fake Wonde / raw paging ratio: ${f(wonde / raw)}`);
    console.log(`import from fake Wonde peak RSS: ${f(max(results.wonde.map((r) => r.peakRssMb)), 0)} MB (raw paging alone: ${f(max(results.raw.map((r) => r.peakRssMb)), 0)} MB)`);
    console.log(`import from fake Wonde write transaction: median ${f(median(results.wonde.map((r) => r.writeMs)), 0)} ms`);
    console.log(`import from fake Wonde longest event-loop stall: median ${f(median(results.wonde.map((r) => r.maxStallMs!)), 0)} ms`);
    console.log(`nightly re-import from fake Wonde, nothing changed: median ${f(median(results.wonde.map((r) => r.nightlySeconds!)))} s`);
    console.log(`import from CSV: median ${f(csv)} s, max ${f(max(results.csv.map((r) => r.seconds)))} s (target < 3 s)`);
    console.log(`import from CSV peak RSS: ${f(max(results.csv.map((r) => r.peakRssMb)), 0)} MB`);
    console.log(`import from CSV write transaction: median ${f(median(results.csv.map((r) => r.writeMs)), 0)} ms`);
    console.log(`import from CSV longest event-loop stall: median ${f(median(results.csv.map((r) => r.maxStallMs!)), 0)} ms`);
    console.log(`nightly re-import from CSV, nothing changed: median ${f(median(results.csv.map((r) => r.nightlySeconds!)))} s`);
    const bad = [...results.wonde, ...results.csv].filter((r) => r.students !== STUDENTS);
    if (bad.length) throw new Error(`an import did not land ${STUDENTS} students`);
  } finally {
    fakeProc.stdin?.end();
    fakeProc.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
