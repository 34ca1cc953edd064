// `passdesk --cli <command>` on an installed kiosk: the admin CLI (doctor, backup, restore,
// support-bundle, settings export/import…) run by the kiosk's own binary. With the RunAsNode fuse
// off there is no other Node on the machine that has Electron's build of better-sqlite3.
// Run it with the kiosk stopped for `restore`; add --ozone-platform=headless on a machine with no display.
import { app } from 'electron';
import { resolveNativeBinding } from './launch';
import { NATIVE_BINDING_ENV } from '../core/db/database';

/** The arguments after --cli, or null when this is not a CLI run. */
export function cliArgs(argv: readonly string[]): string[] | null {
  const i = argv.indexOf('--cli');
  return i < 0 ? null : argv.slice(i + 1).filter((a) => !a.startsWith('--ozone-platform'));
}

export async function runCliInElectron(args: string[], run?: (argv: string[]) => Promise<number>): Promise<number> {
  const native = resolveNativeBinding({
    packaged: app.isPackaged,
    appPath: app.getAppPath(),
    resourcesPath: process.resourcesPath,
    electronVersion: process.versions.electron ?? 'unknown',
    platform: process.platform,
    arch: process.arch,
  });
  if (!native.ok) {
    process.stderr.write(`${native.message}\n`);
    return 1;
  }
  // Every database the CLI opens (the kiosk's, backups being checked) uses Electron's build.
  if (native.path) process.env[NATIVE_BINDING_ENV] = native.path;
  const cli = run ?? (await import('../core/cli/main')).run;
  return cli(args);
}
