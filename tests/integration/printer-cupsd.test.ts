// The CUPS transport against Debian's real scheduler: a private cupsd on 127.0.0.1 with a raw
// queue whose backend writes the job to a file. Proves that `lp -d QUEUE -o raw` delivers the
// pass byte for byte through a real spool, and that a paused queue is reported.
// Needs the Debian packages cups-daemon and cups-client (skipped, saying so, without them).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PassPrinter, renderPass } from '../../electron/core/hardware/printer';
import { printerSettings } from '../../shared/pass';
import { parseEscPos } from '../fakes/printer/escpos';
import { zoePass } from '../fakes/printer/passes';

const CUPSD = '/usr/sbin/cupsd';
const haveCups = fs.existsSync(CUPSD) && fs.existsSync('/usr/lib/cups/daemon/cups-exec') && spawnSync('lpadmin', ['-h'], { stdio: 'ignore' }).error === undefined;
if (!haveCups) console.warn('printer-cupsd: cupsd or lpadmin missing (apt-get install cups-daemon cups-client); skipped');

const zoe = zoePass();

async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function until<T>(what: string, probe: () => T | null | undefined | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`cupsd test: ${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.skipIf(!haveCups)('CUPS transport with a real cupsd', () => {
  let dir: string;
  let out: string;
  let cupsd: ChildProcess;
  let env: NodeJS.ProcessEnv;
  const admin = (...args: string[]) => {
    const r = spawnSync(args[0]!, args.slice(1), { env, encoding: 'utf8', timeout: 5000 });
    if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-cupsd-'));
    fs.chmodSync(dir, 0o755);
    for (const d of ['conf', 'spool', 'cache', 'state', 'log', 'bin/filter', 'bin/backend']) fs.mkdirSync(path.join(dir, d), { recursive: true });
    out = path.join(dir, 'paper.bin');
    fs.writeFileSync(out, '');
    fs.chmodSync(out, 0o666);
    // A backend for "passfile:/path" URIs: the job, as CUPS hands it to a printer, into a file.
    // (Debian's file: device needs the filters of the full cups package; this needs none.)
    fs.writeFileSync(
      path.join(dir, 'bin/backend/passfile'),
      '#!/bin/sh\nif [ $# -eq 0 ]; then echo \'direct passfile "Unknown" "Passdesk test file"\'; exit 0; fi\n' +
        'out="${DEVICE_URI#passfile:}"\nif [ -n "$6" ]; then cat "$6" >> "$out"; else cat >> "$out"; fi\n',
      { mode: 0o755 },
    );
    // cupsd starts every filter and backend through ServerBin/daemon/cups-exec.
    fs.symlinkSync('/usr/lib/cups/daemon', path.join(dir, 'bin/daemon'));
    const port = await freePort();
    fs.writeFileSync(
      path.join(dir, 'conf/cupsd.conf'),
      `Listen 127.0.0.1:${port}\nLogLevel warn\nBrowsing No\nWebInterface No\nDefaultAuthType None\n` +
        '<Location />\n  Order allow,deny\n  Allow from 127.0.0.1\n</Location>\n' +
        '<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n',
    );
    // As root, cupsd runs backends as lp; it refuses to run them as root.
    const user = process.getuid?.() === 0 ? 'User lp\nGroup lp\n' : '';
    fs.writeFileSync(
      path.join(dir, 'conf/cups-files.conf'),
      `ServerRoot ${dir}/conf\nRequestRoot ${dir}/spool\nCacheDir ${dir}/cache\nStateDir ${dir}/state\nTempDir ${dir}/spool\n` +
        `ErrorLog ${dir}/log/error_log\nAccessLog ${dir}/log/access_log\nPageLog ${dir}/log/page_log\n` +
        `ServerBin ${dir}/bin\nDataDir /usr/share/cups\n${user}`,
    );
    // `timeout` makes sure the scheduler stops by itself even if this process dies.
    cupsd = spawn('timeout', ['120', CUPSD, '-f', '-c', `${dir}/conf/cupsd.conf`, '-s', `${dir}/conf/cups-files.conf`], { stdio: 'ignore' });
    env = { ...process.env, CUPS_SERVER: `127.0.0.1:${port}` };
    await until('the scheduler', () => spawnSync('lpstat', ['-r'], { env, encoding: 'utf8' }).stdout.includes('is running'));
    admin('lpadmin', '-p', 'passes', '-E', '-v', `passfile:${out}`);
  });

  afterAll(async () => {
    if (cupsd && cupsd.exitCode === null) {
      const gone = new Promise((r) => cupsd.once('exit', r));
      cupsd.kill('SIGTERM');
      await gone;
    }
    if (dir && !process.env.KEEP) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('delivers the pass byte for byte through the raw queue', async () => {
    const printer = new PassPrinter({ settings: { transport: 'cups', queue: 'passes', paperWidth: 58 }, cups: { env } });
    await expect(printer.print(zoe)).resolves.toEqual({ status: 'printed', problem: null });
    const expected = renderPass(zoe, printerSettings.parse({ transport: 'cups', queue: 'passes', paperWidth: 58 }));
    if (!expected.ok) throw new Error(expected.problem);
    const written = await until('the job on paper', () => {
      const b = fs.readFileSync(out);
      return b.length >= expected.bytes.length ? b : null;
    }).catch((e: Error) => {
      // What cupsd said is the only clue when this fails on CI.
      const log = path.join(dir, 'log/error_log');
      throw new Error(`${e.message}\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8').slice(-3000) : '(no cupsd log)'}`);
    });
    expect(written.equals(Buffer.from(expected.bytes))).toBe(true);
    const [paper] = parseEscPos(written, 32);
    expect(paper!.text()).toContain('Łukasz-Nguyen');
    expect(paper!.qrCodes).toEqual([zoe.eventId]);
    await expect(printer.status()).resolves.toEqual({ state: 'ok', problem: null, twoWay: false });
  });

  it('reports a paused queue and an unknown one', async () => {
    admin('cupsdisable', 'passes');
    try {
      const printer = new PassPrinter({ settings: { transport: 'cups', queue: 'passes' }, cups: { env } });
      await expect(printer.status()).resolves.toMatchObject({ state: 'offline', problem: expect.stringMatching(/cupsenable passes/) });
    } finally {
      admin('cupsenable', 'passes');
    }
    const unknown = new PassPrinter({ settings: { transport: 'cups', queue: 'nosuch' }, cups: { env } });
    await expect(unknown.print(zoe)).resolves.toMatchObject({ status: 'failed', problem: expect.stringMatching(/lp -d nosuch/) });
  });
});
