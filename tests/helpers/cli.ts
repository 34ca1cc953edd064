// The admin CLI in-process, as the tests drive it: exit code, stdout lines and stderr text.
import { vi } from 'vitest';
import { run } from '../../electron/core/cli/main';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const lines: string[] = [];
  const errs: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (errs.push(String(s)), true));
  try {
    const code = await run(args, (s) => lines.push(s));
    return { code, out: lines.join('\n'), err: errs.join('') };
  } finally {
    vi.restoreAllMocks();
  }
}
