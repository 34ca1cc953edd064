// `passdesk --cli …`: the admin CLI run by the installed kiosk's own binary.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { electronModule, resetElectronStub } from './electron-stub';

vi.mock('electron', () => electronModule);
const { cliArgs, runCliInElectron } = await import('../../electron/main/cli');
const { NATIVE_BINDING_ENV } = await import('../../electron/core/db/database');

afterEach(() => {
  resetElectronStub();
  delete process.env[NATIVE_BINDING_ENV];
});

describe('passdesk --cli', () => {
  it('routes only a --cli launch to the CLI, with the arguments after it', () => {
    expect(cliArgs(['/opt/Passdesk/passdesk', '--cli', 'doctor', '--json'])).toEqual(['doctor', '--json']);
    expect(cliArgs(['/opt/Passdesk/passdesk', '--cli', '--ozone-platform=headless', 'backups'])).toEqual(['backups']);
    expect(cliArgs(['/opt/Passdesk/passdesk'])).toBeNull();
  });

  it('explains a missing Electron build of the database driver instead of crashing', async () => {
    const errors: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (errors.push(String(s)), true));
    const run = vi.fn(async () => 0);
    const code = await runCliInElectron(['doctor'], run);
    vi.restoreAllMocks();
    expect(code).toBe(1);
    expect(run).not.toHaveBeenCalled();
    expect(errors.join('')).toMatch(/rebuild:electron/);
  });
});
