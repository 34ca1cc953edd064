// Issue 17: `kiosk roll-call [--json] [--print]` and `kiosk roll-call --hash-badge CODE`.
import type { KioskCore } from '../kiosk';
import { PassPrinter } from '../hardware/printer';
import { hashBadge } from '../attendance/roll-call';
import { localClock } from '../../../shared/school-time';
import { groupByYearAndForm, groupHeading, type RollCall } from '../../../shared/roll-call';

interface Output {
  json: boolean;
  out: (s: string) => void;
}

export async function rollCallCommand(core: KioskCore, values: { print?: boolean; 'hash-badge'?: string }, o: Output): Promise<number> {
  if (values['hash-badge'] !== undefined) {
    const code = values['hash-badge'].trim();
    if (!code) {
      process.stderr.write('--hash-badge needs the badge code as the scanner reads it.\n');
      return 2;
    }
    const hashed = hashBadge(code);
    o.out(o.json ? JSON.stringify({ badge: hashed }) : `${hashed}\nAdd it to rollCall.badges in the settings (Settings → Roll call).`);
    return 0;
  }
  const rc = core.rollCall();
  let failed = false;
  let printLine = '';
  if (values.print) {
    // The CLI has no running services: it prints through its own PassPrinter, on the same settings.
    if (!core.runtime.printer.ready) core.runtime.printer.bind(new PassPrinter({ logger: core.log, clock: core.clock, settings: core.getSettings().printer }).kioskPort());
    const outcome = await core.printRollCall('cli', rc);
    failed = outcome.status === 'failed';
    printLine = outcome.status === 'printed' ? 'Printed.' : outcome.status === 'disabled' ? 'Not printed: no printer is set up.' : `Not printed: ${outcome.problem ?? 'the printer did not answer'}`;
    if (failed) process.stderr.write(`${printLine}\n`);
  }
  o.out(o.json ? JSON.stringify(rc, null, 2) : [humanRollCall(rc, core), printLine].filter(Boolean).join('\n'));
  return failed ? 1 : 0;
}

function humanRollCall(rc: RollCall, core: KioskCore): string {
  const s = core.getSettings();
  const now = localClock(rc.at, s.timeZone);
  const time = (iso: string) => localClock(iso, s.timeZone).time;
  const lines = [`Roll call, ${now.date} ${now.time}`, '', `On site, arrived late (${rc.onSite.length})`];
  for (const g of groupByYearAndForm(rc.onSite)) {
    lines.push(`  ${groupHeading(g.year, g.form, s.locale)}`);
    for (const e of g.entries) lines.push(`    ${time(e.since)}  ${e.name}`);
  }
  lines.push('', `Off site, signed out (${rc.offSite.length})`);
  for (const g of groupByYearAndForm(rc.offSite)) {
    lines.push(`  ${groupHeading(g.year, g.form, s.locale)}`);
    for (const e of g.entries) lines.push(`    ${time(e.since)}  ${e.name}${e.collectedBy ? `  collected by ${e.collectedBy}` : ''}`);
  }
  return lines.join('\n');
}
