import { startFakeWondeRoster, generatedRoster } from '/work/wt/perf/tests/fakes/wonde-roster/server';
import { WondeHttp } from '/work/wt/perf/electron/core/mis/wonde/http';
import { unlimited } from '/work/wt/perf/electron/core/mis/rate-limit';
import { silentLogger } from '/work/wt/perf/electron/core/logging/logger';
import { wondeStudentToRecord } from '/work/wt/perf/electron/core/roster/sources/wonde';
import { planImport } from '/work/wt/perf/electron/core/roster/plan';
import { siteSettings } from '/work/wt/perf/shared/settings';
import { defaultSettings } from '/work/wt/perf/shared/defaults';
async function main() {
const fake = await startFakeWondeRoster({ students: generatedRoster(20000), idleMs: 60000 });
const http = new WondeHttp({ baseUrl: fake.baseUrl, token: () => fake.token, limiter: unlimited, logger: silentLogger, timeoutMs: 30000 });
let t = performance.now(); const pages: any[] = []; let url: any = `schools/${fake.schoolId}/students`; let first = true;
while (url) { const p: any = await http.get(url, first ? { include: 'year,groups,contacts.contact_details', per_page: 200 } : undefined); first = false; pages.push(p.data); url = p.meta?.pagination?.next ?? null; }
console.log('fetch (fake in-process)', (performance.now()-t).toFixed(0));
t = performance.now(); const recs: any[] = []; const issues: any[] = []; let pos = 0;
for (const pg of pages) for (const s of pg) { const r = wondeStudentToRecord(s, ++pos, { badgeFrom: 'mis_id', contacts: true }, issues); if ('student' in r) recs.push(r); }
console.log('convert', (performance.now()-t).toFixed(0), recs.length);
t = performance.now();
const plan = planImport({ current: [], incoming: recs, sourceIssues: [], settings: siteSettings.parse(defaultSettings), currentContacts: new Map(), requireBadge: true });
console.log('plan', (performance.now()-t).toFixed(0), plan.added.length);
await fake.close(); process.exit(0);
}
main();
