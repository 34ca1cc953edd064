// The rotating file logger: what reaches the disk, what never does, and that a kiosk left alone
// keeps a bounded amount of logs.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createFileLogger, logFiles, scrub } from '../../electron/core/logging/file-logger';
import { writeSupportBundle } from '../../electron/core/maintenance/support-bundle';
import { stderrLogger } from '../../electron/core/logging/logger';
import { fileSecretStore, memorySecretStore, secretValuesOf } from '../../electron/core/security/secrets';
import { tempDir } from '../helpers/core';

const dirs: string[] = [];
const newDir = () => {
  const d = tempDir('passdesk-log-');
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const lines = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('file logger', () => {
  it('writes one JSON line per entry with time, level and message, synchronously', () => {
    const dir = newDir();
    const log = createFileLogger({ dir });
    log.info('event recorded', { event: 'e-1', student: 'S001', code: 'L' });
    // No flush, no close: a crash right now must not lose the line.
    const [line] = lines(log.file);
    expect(line).toMatchObject({ level: 'info', msg: 'event recorded', event: 'e-1', student: 'S001', code: 'L' });
    expect(typeof line!.time).toBe('string');
    log.close();
  });

  it('never writes a secret, at any level or depth, in fields or in the message', () => {
    const dir = newDir();
    const log = createFileLogger({ dir, level: 'debug' });
    log.error('request failed: Authorization: Bearer abc.def-123 to https://x/?token=s3cret&page=2', {
      config: { headers: { Authorization: 'Bearer abc.def-123' }, token: 'tkn-999' },
      clientSecret: 'cs-42',
      password: 'hunter2',
      badge: '2000123',
      errors: [{ access_token: 'at-1' }],
    });
    log.debug('debug too', { apiKey: 'k-1', nested: { deeper: { refresh_token: 'rt-1' } } });
    const text = fs.readFileSync(log.file, 'utf8');
    for (const secret of ['abc.def-123', 's3cret', 'tkn-999', 'cs-42', 'hunter2', '2000123', 'at-1', 'k-1', 'rt-1']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('page=2');
    log.close();
  });

  it('keeps names and notes out at info level, and lets them through only at debug', () => {
    const dir = newDir();
    const info = createFileLogger({ dir, level: 'info' });
    info.info('flow', { student: { id: 'S001', forename: 'Amelia', surname: 'Smith' }, note: 'collected by her aunt' });
    info.debug('not written at info level', { forename: 'Amelia' });
    const [line] = lines(info.file);
    expect(line).toMatchObject({ student: { id: 'S001', forename: '[personal]', surname: '[personal]' }, note: '[personal]' });
    expect(fs.readFileSync(info.file, 'utf8')).not.toMatch(/Amelia|Smith|aunt/);
    info.close();

    const dir2 = newDir();
    const debug = createFileLogger({ dir: dir2, level: 'debug' });
    debug.debug('diagnosis', { forename: 'Amelia' });
    expect(lines(debug.file)[0]).toMatchObject({ forename: 'Amelia' });
    debug.close();
  });

  it('rotates by size and keeps only the newest files', () => {
    const dir = newDir();
    const log = createFileLogger({ dir, maxBytes: 2_000, keep: 3 });
    for (let i = 0; i < 400; i++) log.info('tick', { i });
    log.close();
    const files = logFiles(dir);
    expect(files.map((f) => path.basename(f))).toEqual(['passdesk.log', 'passdesk.log.1', 'passdesk.log.2', 'passdesk.log.3']);
    for (const f of files) expect(fs.statSync(f).size).toBeLessThanOrEqual(2_000);
    // The newest entries are in the current file; the rotated ones hold older, contiguous runs.
    const current = lines(files[0]!);
    expect(current.at(-1)).toMatchObject({ i: 399 });
    const previous = lines(files[1]!);
    expect(previous.at(-1)!.i).toBe((current[0]!.i as number) - 1);
  });

  it('appends to the existing file after a restart', () => {
    const dir = newDir();
    const a = createFileLogger({ dir });
    a.info('first run');
    a.close();
    const b = createFileLogger({ dir });
    b.info('second run');
    b.close();
    expect(lines(path.join(dir, 'passdesk.log')).map((l) => l.msg)).toEqual(['first run', 'second run']);
  });

  it('scrub turns errors into name and message, with secrets masked', () => {
    const e = Object.assign(new Error('401 for Bearer zzz'), { code: 'E401' });
    expect(scrub({ error: e })).toEqual({ error: { name: 'Error', message: '401 for Bearer [redacted]', code: 'E401' } });
  });
});

describe('secret values are masked wherever they appear (issue 13)', () => {
  // Values from the secret store: a Wonde token, an SFTP password with characters that get
  // encoded in URLs and escaped in JSON, and a short value that must not blank out every "abc".
  const TOKEN = 'wnd_7f3a9c2e1b';
  const SFTP = 'p@ss "w/rd" 9';
  const store = () => memorySecretStore({ 'mis.wonde.token': TOKEN, 'mis.file.sftpPassword': SFTP, 'x.short': 'abc' });

  it('in the message, under innocent keys, in arrays, in keys, in errors, URL-encoded: never in the file', () => {
    const dir = newDir();
    const secrets = store();
    const log = createFileLogger({ dir, level: 'debug', secrets: secretValuesOf(secrets) });
    log.error(`GET /schools failed with ${TOKEN}`, {
      detail: `upstream said: invalid credential ${TOKEN}`,
      list: ['a', { deeper: { note2: `x${SFTP}y` } }],
      [TOKEN]: 'used as a key',
      url: `sftp://kiosk:${encodeURIComponent(SFTP)}@sis.example.org/`,
      err: new Error(`login refused for ${SFTP}`),
      body: JSON.stringify({ reply: SFTP }),
      plain: 'abc is not a secret',
    });
    const text = fs.readFileSync(log.file, 'utf8');
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain('p@ss');
    expect(text).not.toContain(encodeURIComponent(SFTP));
    expect(text).toContain('[secret]');
    expect(text).toContain('abc is not a secret');
    log.close();
  });

  it('a secret saved after the logger was made is masked from then on (useSecrets, asked at each write)', () => {
    const dir = newDir();
    const secrets = memorySecretStore();
    const log = createFileLogger({ dir });
    log.useSecrets(secretValuesOf(secrets));
    secrets.set('mis.edfi.clientSecret', 'edfi-s3cr3t-value');
    log.info('token request', { answer: 'got edfi-s3cr3t-value back' });
    expect(fs.readFileSync(log.file, 'utf8')).not.toContain('edfi-s3cr3t-value');
    log.close();
  });

  it('the file secret store lists its values, and sees a value written by another process', () => {
    const dir = newDir();
    const a = fileSecretStore(dir);
    const b = fileSecretStore(dir);
    a.set('mis.wonde.token', TOKEN);
    expect(b.values!()).toEqual([TOKEN]);
    a.set('mis.ps.clientSecret', 'ps-secret-1');
    expect(b.values!().sort()).toEqual(['ps-secret-1', TOKEN].sort());
  });

  it('the CLI stderr logger masks them too', () => {
    const written: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (written.push(String(s)), true));
    stderrLogger('warn', secretValuesOf(store())).warn(`retrying with ${TOKEN}`, { why: `bad ${SFTP}` });
    vi.restoreAllMocks();
    expect(written.join('')).not.toMatch(/wnd_7f3a9c2e1b|p@ss/);
    expect(written.join('')).toContain('[secret]');
  });

  it('the support bundle masks them in every file, even in a log line written before the redactor knew them', () => {
    const dataDir = newDir();
    const logDir = path.join(dataDir, 'logs');
    fs.mkdirSync(logDir);
    // Written by an older version, or before the secret store was open: the raw value is there.
    fs.writeFileSync(path.join(logDir, 'passdesk.log'), `{"level":"warn","msg":"sync failed","why":"401 for ${TOKEN}"}\nplain line ${SFTP}\n`);
    const out = newDir();
    const r = writeSupportBundle(out, {
      dataDir,
      db: null,
      settings: { schoolName: 'Oakfield', mis: { connector: 'wonde', schoolId: TOKEN } },
      doctor: { at: '2026-11-24T09:00:00Z', needsAttention: true, checks: [{ id: 'mis', title: 'MIS', status: 'fail', summary: `Wonde refused ${TOKEN}`, fix: 'Check the token.', details: {} }] },
      logDir,
      secrets: store().values!(),
    });
    const all = r.files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('p@ss');
    expect(all).toContain('Oakfield');
  });
});

