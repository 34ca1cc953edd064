// Issue 13 point 6: `kiosk <command> --help` prints that command's help and touches nothing —
// no data folder created or opened, no database, no doctor run — with exit code 0, for every
// command; `kiosk help` lists them all.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fleetCommands } from '../../electron/core/cli/fleet-commands';
import { COMMAND_HELP } from '../../electron/core/cli/help';
import { tempDir } from '../helpers/core';
import { runCli as cli } from '../helpers/cli';

const dirs: string[] = [];
const savedEnv = process.env.PASSDESK_DATA_DIR;
afterEach(() => {
  vi.restoreAllMocks();
  if (savedEnv === undefined) delete process.env.PASSDESK_DATA_DIR;
  else process.env.PASSDESK_DATA_DIR = savedEnv;
  dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
});

/** A parent folder that exists, and a data folder inside it that must never be created. */
function untouchedDataDir() {
  const parent = tempDir('passdesk-help-');
  dirs.push(parent);
  return path.join(parent, 'kiosk-data');
}


/** The command names `kiosk help` lists (lines "  name …" under "Commands:" and "Fleet commands"). */
function listed(helpText: string): string[] {
  return [...helpText.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((n, i, all) => all.indexOf(n) === i);
}

describe('kiosk <command> --help', () => {
  it('kiosk help lists every command, and every listed command has its own help', async () => {
    const r = await cli(['help']);
    expect(r.code).toBe(0);
    const names = listed(r.out);
    for (const n of [...Object.keys(fleetCommands), 'import-roster', 'scan', 'events', 'settings', 'outbox', 'help']) expect(names).toContain(n);
    for (const n of names) expect(Object.keys(COMMAND_HELP), `help for ${n}`).toContain(n);
  });

  const every = Object.keys(COMMAND_HELP);
  it.each(every.flatMap((c) => [[c, '--help'], [c, '-h']]))('%s %s prints its help, exit 0, and creates nothing', async (command, flag) => {
    const dataDir = untouchedDataDir();
    process.env.PASSDESK_DATA_DIR = dataDir;
    const withFlag = await cli([command, flag]);
    const withDir = await cli([command, flag, '--data-dir', dataDir]);
    const viaHelp = await cli(['help', command]);
    for (const r of [withFlag, withDir, viaHelp]) {
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
      expect(r.out).toMatch(new RegExp(`^Usage: kiosk ${command}\\b`));
      expect(r.out).toMatch(/-h, --help/);
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('help comes first wherever it is written: with positionals, options and values around it', async () => {
    const dataDir = untouchedDataDir();
    for (const args of [
      ['settings', 'import', 'nowhere.json', '--help'],
      ['--data-dir', dataDir, 'doctor', '--only', 'clock', '-h'],
      ['restore', 'some.sqlite', '--yes', '--help'],
      ['scan', '100003', '--at', '2026-11-24T09:07:00Z', '--help'],
    ]) {
      const r = await cli([...args, '--data-dir', dataDir]);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.out).toMatch(new RegExp(`^Usage: kiosk ${args.find((a) => COMMAND_HELP[a])}`));
    }
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('--help with no command lists the commands; an unknown command with --help is a usage error', async () => {
    const all = await cli(['--help']);
    expect(all.code).toBe(0);
    expect(listed(all.out)).toContain('doctor');
    const bad = await cli(['kettle', '--help']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/Unknown command "kettle"/);
  });

  it('kiosk doctor --help does not run the doctor, through the real entry point', () => {
    const dataDir = untouchedDataDir();
    const out = execFileSync(process.execPath, ['--import', 'tsx', 'electron/core/cli/main.ts', 'doctor', '--help'], {
      cwd: path.resolve(__dirname, '../..'),
      encoding: 'utf8',
      env: { ...process.env, PASSDESK_DATA_DIR: dataDir },
    });
    expect(out).toMatch(/^Usage: kiosk doctor/);
    expect(out).not.toMatch(/\b(ok|fail|skipped)\b.*scanner/i);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('a settings file with a typo is refused by `settings import` with its path, exit 1, nothing applied', async () => {
    const d = untouchedDataDir();
    const file = path.join(path.dirname(d), 'settings.json');
    expect((await cli(['settings', 'export', file, '--data-dir', d])).code).toBe(0);
    const s = JSON.parse(fs.readFileSync(file, 'utf8'));
    s.schoolName = 'Typo School';
    s.rules.sessions.AM.lateAfterr = '09:10';
    fs.writeFileSync(file, JSON.stringify(s));
    const r = await cli(['settings', 'import', file, '--data-dir', d]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/rules\.sessions\.AM\.lateAfterr: unknown setting/);
    const now = JSON.parse((await cli(['settings', 'export', '--data-dir', d])).out);
    expect(now.schoolName).not.toBe('Typo School');
  });
});
