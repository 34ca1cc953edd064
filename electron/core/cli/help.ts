// `kiosk <command> --help` (or -h, or `kiosk help <command>`): that command's help, and nothing
// else. Answered before any option parsing, before the data folder is worked out and before any
// database is opened, so asking for help can never create a kiosk in the wrong folder, run the
// doctor, or change anything (issue 13: `kiosk doctor --help` used to run the doctor).
//
// Every command of the CLI has an entry here; tests/integration/cli-help.test.ts runs the --help
// of each one and checks that no folder was created.

const COMMON = `Options every command takes:
  --data-dir <dir>   The kiosk's data folder (default: $PASSDESK_DATA_DIR or the app's user data folder)
  --json             Machine-readable output
  -h, --help         This help; nothing is opened or changed`;

/** One entry per command: what it does, how to call it, its own options, its exit codes. */
export const COMMAND_HELP: Record<string, string> = {
  'import-roster': `Usage: kiosk import-roster <file.csv> [--replace-demo] [--confirm-leavers]

Import the roster from a CSV file (comma, semicolon or tab; Excel's BOM and CRLF are fine) through
the same import as Admin → Roster: new, changed and leaving students. Every refused row is reported
with its line and the reason; the good rows are kept.
  --replace-demo      Confirm that the demo students leave (needed for the first real roster)
  --confirm-leavers   Confirm an import that would deactivate many students

Exit codes: 0 imported, 1 refused or nothing could be imported, 2 wrong usage.`,

  scan: `Usage: kiosk scan <badge code> [--at <ISO instant>] [--reason <reason id>] [--direction sign_in|sign_out]

Scan a badge as the kiosk would and record the event (mark, writeback job, pass).
  --at <instant>       Pretend the scan happens at this instant (e.g. 2026-11-24T09:07:00Z)
  --reason <id>        The reason chosen (default: the first offered)
  --direction <dir>    sign_in or sign_out (default: the one the kiosk would suggest)

Exit codes: 0 recorded, 1 refused (the scanned text is never echoed), 2 wrong usage.`,

  events: `Usage: kiosk events [--date YYYY-MM-DD]

List the events of a day (default: today in the school's time zone).`,

  settings: `Usage: kiosk settings export [file]
       kiosk settings import <file>

export  Write the site settings as JSON (to stdout without a file). No secrets are in it.
import  Check a JSON settings file and apply it as a whole, with an audit row. A key the kiosk
        does not know (a typo such as "lateAfterr") is refused with its path; when anything is
        refused, nothing is applied.

Exit codes: 0 applied or written, 1 refused (each problem on its own line), 2 wrong usage.`,

  outbox: `Usage: kiosk outbox

Show the writeback queue: counts per state, and the rows not yet written to the MIS.`,

  'roll-call': `Usage: kiosk roll-call [--json] [--print]
       kiosk roll-call --hash-badge <code>

Today's evacuation roll call, from the kiosk's own database (no network, no MIS needed): students
who arrived late and are on site, and students who signed out early and are not (with who
collected them), grouped by year and form.
  --json               {"at", "onSite":[{studentId,name,year,form,since}], "offSite":[{…,collectedBy}]}
  --print              Also print it on the pass printer
  --hash-badge <code>  Print the "sha256:…" form of a badge, for rollCall.badges in the settings

Exit codes: 0 done, 1 the print failed, 2 wrong usage.`,
  // Issue 18.
  report: `Usage: kiosk report [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--json|--csv]

The lateness figures of a range of school days (default: the last four school weeks, Monday three
weeks ago to today): lates in all and per day and year, the top reasons, the average minutes late,
and the students over a threshold rule (Settings → Lateness). Counts are kept after the retention
period; reasons and minutes only while the events are.
  --from, --to   The first and last day, in the school's time zone (inclusive)
  --json         { from, to, lates, byDay, byYear, topReasons, averageMinutesLate, overThreshold }
  --csv          The same figures as one table: section, key, name, rule, value

Exit codes: 0 printed, 1 the kiosk data cannot be opened, 2 wrong usage or dates.`,

  messages: `Usage: kiosk messages [--json]

The messages home (e-mails and webhook deliveries, issue 17): counts per state, then the newest 200
with their state, attempts and, for those waiting or failed, the reason in words the admin can act
on (a refused sign-in, a wrong port). The same log as Admin → Settings → Messages.
  --json   {"counts":{pending,sending,sent,failed}, "total", "rows":[{id,state,channel,kind,to,reason,…}]}`,

  help: `Usage: kiosk help [command]

List the commands, or show one command's help (the same as kiosk <command> --help).`,

  doctor: `Usage: kiosk doctor [--only scanner,printer,…] [--ack-recovery]

Check the kiosk: scanner, printer, MIS, clock, time zone, disk, database, secrets, outbox, backups, messages home.
Each check that fails says what to do.
  --only <ids>       Run only these checks (comma-separated)
  --ack-recovery     Mark the notice of a database recovery as seen

Exit codes: 0 nothing to do, 1 something needs a person, 2 wrong usage.`,

  backup: `Usage: kiosk backup [--to <dir>]

Take a backup of the kiosk database now. Without --to it goes to the kiosk's backups folder,
which keeps the newest N (the site's fleet.backups.keep); a copy made with --to is never pruned.`,

  backups: `Usage: kiosk backups

List the backups, newest first, each checked. Exit code 1 when none of them is usable.`,

  restore: `Usage: kiosk restore [<backup file>] --yes

Stop Passdesk first. Put back a backup (default: the newest good one). The current database is
moved to replaced/, never deleted. Without --yes, only says what it would do.`,

  purge: `Usage: kiosk purge [--days N]

Delete written-back events older than N days now (default: the site's fleet.retention.days).
Events whose mark has not reached the MIS are kept, whatever their age.`,

  'support-bundle': `Usage: kiosk support-bundle <dir>

Write logs, settings without secrets, the doctor's report and the outbox summary to a new folder
inside <dir> (a USB stick or a share). No names, notes, badge codes or credentials.`,
};

/** Options that take a value, so that the value is not mistaken for the command's name. */
const VALUE_OPTIONS = new Set(['--data-dir', '--at', '--reason', '--direction', '--date', '--to', '--only', '--days', /* issue 18: */ '--from']);

export function commandHelp(command: string): string {
  return `${COMMAND_HELP[command]}\n\n${COMMON}`;
}

/**
 * The answer to a request for help, or null when argv asks for something else. `usage` is the
 * full list of commands (`kiosk help`, or --help with no command).
 */
export function helpRequest(argv: string[], usage: string): { text: string; code: number; toStderr?: boolean } | null {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const words: string[] = [];
  let wantsHelp = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') wantsHelp = true;
    else if (VALUE_OPTIONS.has(a)) i++;
    else if (!a.startsWith('-')) words.push(a);
  }
  const [command, sub] = words;
  if (command === 'help') {
    if (!sub) return { text: wantsHelp ? commandHelp('help') : usage, code: 0 };
    return COMMAND_HELP[sub] ? { text: commandHelp(sub), code: 0 } : unknown(sub, usage);
  }
  if (!wantsHelp) return null;
  if (!command) return { text: usage, code: 0 };
  return COMMAND_HELP[command] ? { text: commandHelp(command), code: 0 } : unknown(command, usage);
}

function unknown(command: string, usage: string) {
  return { text: `Unknown command "${command}".\n\n${usage}`, code: 2, toStderr: true };
}
