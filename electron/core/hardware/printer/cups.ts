// A CUPS queue: `lp -d QUEUE -o raw` with the ESC/POS bytes on stdin, so CUPS passes them
// through untouched. One-way: CUPS knows whether the queue is enabled (lpstat -p), not whether
// the roll has paper.
import { spawn } from 'node:child_process';
import { printerStatus } from './status';
import { errnoOf, type PrinterTransport, type SendOutcome } from './transport';
import type { PrinterStatus } from '../../../../shared/pass';

export interface CupsOptions {
  queue: string;
  timeoutMs: number;
  /** The commands to run; tests point these at fakes. Defaults: `lp`, `lpstat` on PATH. */
  lp?: string;
  lpstat?: string;
  env?: NodeJS.ProcessEnv;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Why it did not run to the end: spawn error code or "timeout". */
  failure: string | null;
}

function run(command: string, args: string[], input: Uint8Array | null, o: CupsOptions): Promise<RunResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let failure: string | null = null;
    let settled = false;
    const finish = (code: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ code, stdout, stderr, failure });
    };
    let child: ReturnType<typeof spawn>;
    try {
      // Its own process group, so that a timeout also ends whatever lp started.
      child = spawn(command, args, { env: o.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    } catch (e) {
      resolve({ code: null, stdout, stderr, failure: errnoOf(e) });
      return;
    }
    const timer = setTimeout(() => {
      failure = 'timeout';
      try {
        if (child.pid && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
      finish(null);
    }, o.timeoutMs);
    timer.unref?.();
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d.slice(0, 4000)));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d.slice(0, 4000)));
    child.on('error', (e) => {
      failure ??= errnoOf(e);
      finish(null);
    });
    // lp exiting before reading all of stdin gives EPIPE: the exit code tells the real story.
    child.stdin?.on('error', () => undefined);
    child.on('close', (code) => finish(code));
    if (input) child.stdin?.end(input);
    else child.stdin?.end();
  });
}

function failed(r: RunResult, command: string, o: CupsOptions): PrinterStatus {
  if (r.failure === 'ENOENT')
    return printerStatus('error', false, `the ${command} command is missing; install the CUPS client tools (cups-client)`);
  if (r.failure === 'timeout') return printerStatus('offline', false, `${command} did not finish within ${o.timeoutMs} ms`);
  const said = (r.stderr || r.stdout).trim().split('\n')[0] ?? '';
  return printerStatus('offline', false, `${command} -d ${o.queue}: ${said || r.failure || `exit code ${r.code}`}`);
}

export function cupsTransport(options: CupsOptions): PrinterTransport {
  const lp = options.lp ?? 'lp';
  const lpstat = options.lpstat ?? 'lpstat';
  return {
    kind: 'cups',
    twoWay: false,
    async send(bytes): Promise<SendOutcome> {
      const r = await run(lp, ['-d', options.queue, '-o', 'raw', '-t', 'Passdesk pass'], bytes, options);
      if (r.failure === null && r.code === 0) return { ok: true, status: printerStatus('ok', false) };
      return { ok: false, status: failed(r, lp, options) };
    },
    async status() {
      const r = await run(lpstat, ['-p', options.queue], null, options);
      if (r.failure !== null || r.code !== 0) return failed(r, lpstat, options);
      // "printer passes is idle.  enabled since …" / "printer passes disabled since …"
      if (/\bdisabled\b/.test(r.stdout))
        return printerStatus('offline', false, `the CUPS queue ${options.queue} is paused; resume it with: cupsenable ${options.queue}`);
      return printerStatus('ok', false);
    },
  };
}
