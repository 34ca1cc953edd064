// The admin CLI: `npm run kiosk -- <command> [options]`. It drives the same KioskCore as the
// kiosk window, so what IT scripts here is exactly what the desk does.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { KioskCore } from '../kiosk';
import { fixedClock, systemClock } from '../clock';
import { stderrLogger } from '../logging/logger';
import { fileSecretStore, secretValuesOf } from '../security/secrets';
import { CoreError } from '../errors';
import { SettingsValidationError } from '../db/settings-store';
import { DatabaseError } from '../db/database';
import { outboxCounts, unfinishedOutboxRows } from '../sync/outbox';
import { direction as directionSchema } from '../../../shared/settings';
import { FLEET_USAGE, fleetCommandIn } from './fleet-commands';
import { csvFileSource } from '../roster/sources/files';
import { cliMustNotOpen } from '../maintenance/recovery';
import { helpRequest } from './help';

const USAGE = `Passdesk admin CLI

Usage: npm run kiosk -- <command> [options]

Commands:
  import-roster <file.csv>        Import the roster from a CSV (, ; or tab): new, changed and leaving students,
                                  each refused row reported with its line; the same import as Admin → Roster
      --replace-demo              Confirm that the demo students leave (needed for the first real roster)
      --confirm-leavers           Confirm an import that would deactivate many students
  scan <code>                     Scan a badge and record the event
      --at <ISO instant>          Pretend the scan happens at this instant (e.g. 2026-11-24T09:07:00Z)
      --reason <reason id>        The reason chosen (default: the first offered)
      --direction sign_in|sign_out  (default: the one the kiosk would suggest)
  events [--date YYYY-MM-DD]      List the events of a day (default: today in the school's time zone)
  settings export [file]          Write the site settings as JSON (stdout without a file)
  settings import <file>          Validate and apply site settings from JSON (provisioning)
  outbox                          Show the writeback queue: counts per state and the rows not yet done
  help [command]                  This text, or one command's help (also: <command> --help)

Options:
  --data-dir <dir>   The kiosk's data directory (default: $PASSDESK_DATA_DIR or the app's user data folder)
  --json             Machine-readable output
`;

export function defaultDataDir(): string {
  if (process.env.PASSDESK_DATA_DIR) return process.env.PASSDESK_DATA_DIR;
  // The same folder Electron's app.getPath('userData') gives the kiosk ("Passdesk" is the productName).
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? os.homedir(), 'Passdesk');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Passdesk');
  return path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'Passdesk');
}

interface Output {
  json: boolean;
  out: (s: string) => void;
}

function print(o: Output, value: unknown, human: () => string): void {
  o.out(o.json ? JSON.stringify(value, null, 2) : human());
}

export async function run(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  // Help first: before any parsing, data folder or database, so asking for it changes nothing.
  const help = helpRequest(argv, `${USAGE}\n${FLEET_USAGE}`);
  if (help) {
    if (help.toStderr) process.stderr.write(`${help.text}\n`);
    else out(help.text);
    return help.code;
  }
  // doctor, backup, restore … parse their own options: some must run when the database cannot open.
  const fleet = fleetCommandIn(argv);
  if (fleet) return fleet.run({ argv: fleet.argv, out, defaultDataDir });
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean', default: false },
        at: { type: 'string' },
        reason: { type: 'string' },
        direction: { type: 'string' },
        date: { type: 'string' },
        'replace-demo': { type: 'boolean', default: false },
        'confirm-leavers': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (!command || command === 'help' || values.help) {
    out(`${USAGE}\n${FLEET_USAGE}`);
    return command || values.help ? 0 : 2;
  }
  const o: Output = { json: values.json ?? false, out };
  if (values.at && Number.isNaN(Date.parse(values.at))) {
    process.stderr.write(`--at must be an ISO instant such as 2026-11-24T09:07:00Z, not "${values.at}".\n`);
    return 2;
  }
  const clock = values.at ? fixedClock(values.at) : systemClock;

  let core: KioskCore;
  try {
    const dataDir = values['data-dir'] ?? defaultDataDir();
    // Never open (and so create) an empty database in place of a set-up kiosk's lost one.
    const lost = cliMustNotOpen(dataDir);
    if (lost) {
      process.stderr.write(`${lost}\n`);
      return 1;
    }
    // The CLI's log lines mask the secret store's values wherever they appear (issue 13).
    const secrets = fileSecretStore(dataDir);
    core = KioskCore.open({ dataDir, clock, secrets, logger: stderrLogger('warn', secretValuesOf(secrets)) });
  } catch (e) {
    process.stderr.write(`${e instanceof DatabaseError ? e.message : `Cannot open the kiosk data: ${(e as Error).message}`}\n`);
    return 1;
  }
  try {
    return await runCommand(core, command, rest, values, o);
  } catch (e) {
    if (e instanceof SettingsValidationError) {
      process.stderr.write(`The settings were not applied:\n${e.issues.map((i) => `  ${i.path || '(file)'}: ${i.message}`).join('\n')}\n`);
      return 1;
    }
    if (e instanceof CoreError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  } finally {
    core.close();
  }
}

async function runCommand(
  core: KioskCore,
  command: string,
  rest: string[],
  values: { at?: string; reason?: string; direction?: string; date?: string; 'replace-demo'?: boolean; 'confirm-leavers'?: boolean },
  o: Output,
): Promise<number> {
  switch (command) {
    case 'import-roster': {
      const file = rest[0];
      if (!file) return usageError('import-roster needs a CSV file.');
      // The one roster import (RosterService): leavers, the import log, clashes by line, the demo
      // roster; a file that cannot be read is a failed import with its reason, as on the admin screen.
      const run = await core.roster.importNow(csvFileSource(file), {
        trigger: 'manual',
        replaceDemo: values['replace-demo'],
        confirmLeavers: values['confirm-leavers'],
      });
      const c = run.counts;
      const errors = run.issues.filter((i) => i.severity === 'error').map(({ line, message }) => ({ line, message }));
      const warnings = run.issues.filter((i) => i.severity !== 'error').map(({ line, message }) => ({ line, message }));
      const imported = (c.added ?? 0) + (c.updated ?? 0) + (c.unchanged ?? 0);
      print(o, { outcome: run.outcome, message: run.message, imported, counts: c, errors, warnings }, () =>
        [
          run.outcome === 'applied'
            ? `Imported ${imported} student(s) from ${run.sourceLabel}: ${c.added ?? 0} new, ${c.updated ?? 0} changed, ${c.unchanged ?? 0} unchanged, ${c.leavers ?? 0} left the roster.`
            : `Roster import ${run.outcome.replace(/_/g, ' ')}.`,
          run.message ?? '',
          ...run.issues.map((i) => `  line ${i.line}: ${i.severity === 'error' ? 'not imported: ' : ''}${i.message}`),
          errors.length ? `${errors.length} row(s) were not imported.` : '',
          run.issueCount > run.issues.length ? `(${run.issueCount - run.issues.length} more in the import log, Admin → Roster.)` : '',
        ]
          .filter(Boolean)
          .join('\n'),
      );
      return run.outcome === 'refused' || run.outcome === 'failed' ? 1 : 0;
    }
    case 'scan': {
      const code = rest[0];
      if (code === undefined) return usageError('scan needs a badge code.');
      const result = core.scan({ code });
      if (!result.ok) {
        print(o, result, () => `Refused: ${result.reason.replace(/_/g, ' ')}.`);
        return 1;
      }
      const flow = result.flow;
      const dir = values.direction ? directionSchema.parse(values.direction) : flow.suggested;
      const reasons = flow.reasons[dir];
      const reasonId = values.reason ?? reasons[0]?.id;
      if (!reasonId || !reasons.some((r) => r.id === reasonId)) {
        return usageError(`Reason "${values.reason}" is not offered for ${dir}. Offered: ${reasons.map((r) => r.id).join(', ')}`);
      }
      const rec = await core.record({ studentId: flow.student.id, direction: dir, reasonId });
      const e = rec.event;
      print(o, rec, () =>
        [
          `${flow.student.forename} ${flow.student.surname}: ${dir === 'sign_in' ? 'signed in' : 'signed out'} at ${e.localTime} (${e.localDate})`,
          `  code ${e.code ?? '-'} ${e.session ?? ''}${e.minutesLate ? `, ${e.minutesLate} min late` : ''}; ${e.writeback ? 'queued for writeback' : `not written back (${e.skipReason})`}`,
          `  why: ${rec.why}`,
          `  pass: ${rec.pass.status}${rec.pass.problem ? ` (${rec.pass.problem})` : ''}`,
        ].join('\n'),
      );
      return 0;
    }
    case 'events': {
      const date = values.date ?? core.today();
      const list = core.events.ofDay(date);
      print(o, list, () =>
        list.length
          ? list
              .map((e) => `${e.localTime} ${e.direction.padEnd(8)} ${e.studentId.padEnd(12)} ${(e.code ?? '-').padEnd(3)} ${e.reasonLabel ?? ''}${e.supersededBy ? ' (superseded)' : ''}`)
              .join('\n')
          : `No events on ${date}.`,
      );
      return 0;
    }
    case 'settings': {
      const [sub, file] = rest;
      if (sub === 'export') {
        const json = JSON.stringify(core.getSettings(), null, 2);
        if (file) {
          fs.writeFileSync(file, json + '\n');
          o.out(o.json ? JSON.stringify({ written: file }) : `Settings written to ${file}.`);
        } else o.out(json);
        return 0;
      }
      if (sub === 'import') {
        if (!file) return usageError('settings import needs a JSON file.');
        let input: unknown;
        try {
          input = JSON.parse(fs.readFileSync(file, 'utf8'));
        } catch (e) {
          process.stderr.write(`${file} is not valid JSON: ${(e as Error).message}\n`);
          return 1;
        }
        const applied = core.updateSettings({ settings: input }, 'cli');
        print(o, applied, () => `Settings applied for ${applied.schoolName}.`);
        return 0;
      }
      return usageError('settings export [file] | settings import <file>');
    }
    case 'outbox': {
      const counts = outboxCounts(core.db);
      const rows = unfinishedOutboxRows(core.db, { limit: 200, newestFirst: false, detail: false });
      print(o, { counts, rows }, () =>
        [
          Object.entries(counts)
            .map(([k, v]) => `${k}: ${v ?? '-'}`)
            .join('  '),
          ...(rows as { id: number; state: string; student_id: string; attempts: number; last_error: string | null }[]).map(
            (r) => `#${r.id} ${r.state} ${r.student_id} attempts=${r.attempts}${r.last_error ? ` — ${r.last_error}` : ''}`,
          ),
        ].join('\n'),
      );
      return 0;
    }
    default:
      return usageError(`Unknown command "${command}".`);
  }
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\nRun "npm run kiosk -- help" for the commands.\n`);
  return 2;
}

const isMain = process.argv[1] && path.resolve(process.argv[1]).replace(/\.ts$/, '') === path.resolve(new URL(import.meta.url).pathname).replace(/\.ts$/, '');
if (isMain) {
  run(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`Unexpected error: ${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    },
  );
}
