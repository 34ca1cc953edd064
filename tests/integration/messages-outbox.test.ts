// Telling home (issue 17, part 3) end to end under plain Node: a student signs out early at the
// kiosk, the message is queued in the same transaction as the event, and the outbox sends it to a
// REAL SMTP server on 127.0.0.1 (tests/fakes/smtp: smtp-server + mailparser) and/or POSTs it,
// signed, to a local HTTP receiver (tests/fakes/webhook). Faults as those servers show them:
// connection refused, 4xx/5xx replies, a wrong password, a server that never answers.
import { afterEach, describe, expect, it } from 'vitest';
import { openTestCore } from '../helpers/core';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp/server';
import { startFakeReceiver, verifySignature, type FakeReceiver } from '../fakes/webhook/receiver';
import { messageSecretKeys } from '../../shared/messages';
import type { KioskCore } from '../../electron/core/kiosk';
import type { MessageRow } from '../../electron/core/db/messages';
import type { SiteSettings } from '../../shared/settings';
import { dispatch } from '../../electron/core/ipc/dispatch';
import { signWebhook } from '../../electron/core/messages/webhook';
import { runDoctor } from '../../electron/core/maintenance/doctor';
import { runCli } from '../helpers/cli';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const STUDENT = 'demo-1'; // Aarav Novak, Year 7

async function closedPort(): Promise<number> {
  const s = await startFakeSmtp();
  const port = s.port;
  await s.close();
  return port;
}

type MessagesInput = Partial<Omit<SiteSettings['messages'], 'email' | 'webhook'>> & { email?: Partial<SiteSettings['messages']['email']>; webhook?: Partial<SiteSettings['messages']['webhook']> };

async function kiosk(opts: { smtp?: FakeSmtp; port?: number; receiver?: FakeReceiver; messages?: MessagesInput; at?: string; password?: string } = {}) {
  const secrets = memorySecretStore({
    ...(opts.password ? { [messageSecretKeys.smtpPassword]: opts.password } : {}),
    ...(opts.receiver ? { [messageSecretKeys.webhookSecret]: opts.receiver.secret } : {}),
  });
  // 10:30 in London, a Tuesday: mid-morning, an early sign-out.
  const t = openTestCore(opts.at ?? '2026-11-24T10:30:00Z', {
    secrets,
    messages: { mailTimeouts: { connectionMs: 2_000, greetingMs: 1_500, socketMs: 3_000 }, webhookTimeoutMs: 1_500, backoff: { baseMs: 60_000, capMs: 60_000 } },
  });
  cleanups.push(t.dispose);
  configure(t.core, opts);
  t.core.db
    .prepare('INSERT INTO student_contacts (student_id, json, updated_at) VALUES (?, ?, ?)')
    .run(
      STUDENT,
      JSON.stringify([
        { name: 'Ann Novak', relationship: 'Mother', phone: '+447700900001', email: 'ann@parents.example', priority: 1, parentalResponsibility: true },
        { name: 'Ben Novak', relationship: 'Father', phone: '+447700900002', email: 'ben@parents.example', priority: 2, parentalResponsibility: true },
        { name: 'Gran', relationship: 'Grandmother', phone: null, email: 'gran@parents.example', priority: 3, parentalResponsibility: false },
      ]),
      '2026-11-01T00:00:00Z',
    );
  return t;
}

function configure(core: KioskCore, opts: { smtp?: FakeSmtp; port?: number; receiver?: FakeReceiver; messages?: MessagesInput }) {
  const s = structuredClone(core.getSettings());
  const m = opts.messages ?? {};
  s.messages = {
    ...s.messages,
    enabled: true,
    ...m,
    email: {
      ...s.messages.email,
      enabled: !!(opts.smtp || opts.port),
      server: '127.0.0.1',
      port: opts.port ?? opts.smtp?.port ?? 25,
      security: 'none',
      sender: 'office@oakfield.example',
      senderName: 'Oakfield Academy',
      ...m.email,
    },
    webhook: { ...s.messages.webhook, enabled: !!opts.receiver, address: opts.receiver?.url ?? '', ...m.webhook },
  };
  core.updateSettings({ settings: s });
}

const rows = (core: KioskCore) => core.db.prepare('SELECT * FROM message_outbox ORDER BY id').all() as MessageRow[];

async function signOut(core: KioskCore, note = 'Mum') {
  return core.record({ studentId: STUDENT, direction: 'sign_out', reasonId: 'unwell', note });
}

describe('messages home: e-mail through the school’s SMTP server', () => {
  it('an early sign-out is queued with its event and e-mailed once to the priority-1 contact, with a stable Message-ID', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    const { event } = await signOut(core);
    // Queued in the event's own transaction: there before anything was sent.
    const queued = rows(core);
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ event_id: event.id, channel: 'email', recipient: 'ann@parents.example', state: 'pending', kind: 'early_leave' });

    expect(await core.messages.runRound()).toEqual({ sent: 1, retrying: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0]!;
    expect(mail.to).toEqual(['ann@parents.example']);
    expect(mail.from).toBe('office@oakfield.example');
    expect(mail.messageId).toBe(queued[0]!.message_id);
    expect(mail.subject).toBe('Aarav signed out of Oakfield Academy at 10:30');
    expect(mail.text).toContain('Aarav Novak signed out of Oakfield Academy at 10:30 on 2026-11-24.');
    expect(mail.text).toContain('Reason: Unwell, going home');
    expect(mail.text).toContain('Collected by: Mum');
    expect(mail.headers['auto-submitted']).toBe('auto-generated');
    expect(rows(core)[0]).toMatchObject({ state: 'sent', attempts: 1 });
    expect(rows(core)[0]!.server_reply).toMatch(/^250 /);

    // Nothing more to do: a second round sends nothing.
    expect(await core.messages.runRound()).toEqual({ sent: 0, retrying: 0, failed: 0 });
    expect(smtp.received).toHaveLength(1);
  });

  it('a US school’s words: the en-US template is used when the school’s language is en-US', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    core.updateSettings({ settings: { ...core.getSettings(), locale: 'en-US' } });
    await signOut(core, 'Grandpa');
    await core.messages.runRound();
    expect(smtp.received[0]!.subject).toBe('Aarav checked out of Oakfield Academy at 10:30');
    expect(smtp.received[0]!.text).toContain('Picked up by: Grandpa');
  });

  it('tells every contact with parental responsibility when the school chooses so, signing in to the server', async () => {
    const smtp = await startFakeSmtp();
    smtp.users.set('kiosk@oakfield.example', 'pa55word');
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp, password: 'pa55word', messages: { recipients: 'parental_responsibility', email: { username: 'kiosk@oakfield.example' } } });
    await signOut(core);
    await core.messages.runRound();
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['ann@parents.example', 'ben@parents.example']);
    expect(smtp.received.every((m) => m.user === 'kiosk@oakfield.example')).toBe(true);
  });

  it('connection refused: the message waits with the reason, and goes once the admin fixes the port', async () => {
    const port = await closedPort();
    const { core, clock } = await kiosk({ port });
    await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    const waiting = rows(core)[0]!;
    expect(waiting).toMatchObject({ state: 'pending', last_error_kind: 'refused', attempts: 1 });
    expect(waiting.last_error).toContain(`127.0.0.1:${port} (connection refused)`);
    expect(waiting.next_attempt_at > clock.now().toISOString()).toBe(true);

    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    configure(core, { smtp }); // saving the settings wakes what waits
    expect(await core.messages.runRound()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);
    expect(rows(core)[0]).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('a 4xx at RCPT TO is retried after a backoff; a 5xx after the data fails for good with the server’s words', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core, clock } = await kiosk({ smtp });
    smtp.faults = { rcpt: { code: 451, message: '4.3.0 Mailbox temporarily unavailable' }, times: 1 };
    await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'smtp_4xx' });
    expect(rows(core)[0]!.last_error).toContain('451');
    // Not due yet: the next round leaves it.
    expect(await core.messages.runRound()).toMatchObject({ sent: 0, retrying: 0 });
    clock.set(new Date(clock.now().getTime() + 61_000));
    expect(await core.messages.runRound()).toMatchObject({ sent: 1 });
    expect(smtp.received).toHaveLength(1);

    smtp.faults = { data: { code: 550, message: '5.1.1 No such user here' } };
    await core.record({ studentId: 'demo-2', direction: 'sign_out', reasonId: 'medical' });
    // demo-2 has no contacts: nothing queued, and the decision is kept with its reason.
    expect(core.db.prepare('SELECT queued, note FROM message_triggers ORDER BY decided_at DESC, rowid DESC LIMIT 1').get()).toEqual({ queued: 0, note: 'no contact matches "priority_1"' });
    clock.set(new Date(clock.now().getTime() + 60_000));
    await core.record({ studentId: STUDENT, direction: 'sign_out', reasonId: 'medical' });
    expect(await core.messages.runRound()).toMatchObject({ failed: 1 });
    const failed = rows(core).at(-1)!;
    expect(failed).toMatchObject({ state: 'failed', last_error_kind: 'smtp_5xx' });
    expect(failed.last_error).toContain('550 5.1.1 No such user here');
  });

  it('a wrong password is a sign-in failure (535) the admin can fix; the message then goes', async () => {
    const smtp = await startFakeSmtp();
    smtp.users.set('kiosk', 'right');
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp, password: 'wrong', messages: { email: { username: 'kiosk' } } });
    await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'auth' });
    expect(rows(core)[0]!.last_error).toMatch(/refused to sign in .*535.*enter the password again/);
    core.settings.saveSecret(messageSecretKeys.smtpPassword, 'right', 'site_admin'); // the admin's saveSecret
    expect(await core.messages.runRound()).toMatchObject({ sent: 1 });
  });

  it('a server that never greets times out, and the message waits to be tried again', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    smtp.faults = { silentGreeting: true };
    const { core } = await kiosk({ smtp });
    await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'timeout' });
    expect(rows(core)[0]!.last_error).toContain('did not answer in time');
  });

  it('a message that cannot go within the give-up time fails as "too late" instead of arriving hours late', async () => {
    const port = await closedPort();
    const { core, clock } = await kiosk({ port, messages: { giveUpHours: 1 } });
    await signOut(core);
    await core.messages.runRound();
    clock.set(new Date(clock.now().getTime() + 61 * 60_000));
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'failed', last_error_kind: 'expired' });
    expect(rows(core)[0]!.last_error).toContain('given up');
  });

  it('late arrivals are told only when the school wants it, and only after the unauthorised time', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    // 09:15: late (after 09:00) but before the unauthorised time (09:20).
    const { core, clock } = await kiosk({ smtp, at: '2026-11-24T09:15:00Z', messages: { lateArrival: true } });
    await core.record({ studentId: STUDENT, direction: 'sign_in', reasonId: 'traffic' });
    expect(rows(core)).toHaveLength(0);
    clock.set('2026-11-24T09:21:00Z');
    await core.record({ studentId: 'demo-1', direction: 'sign_in', reasonId: 'overslept' });
    await core.messages.runRound();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.subject).toBe('Aarav arrived late at Oakfield Academy');
    expect(smtp.received[0]!.text).toContain('(21 minutes late)');
  });

  it('an override changes a reason, not whether the student left: home is not told twice', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    const { event } = await signOut(core);
    core.staff.override({ eventId: event.id, reasonId: 'family' }, 'receptionist');
    await core.messages.runRound();
    expect(smtp.received).toHaveLength(1);
  });

  it('the sweep catches an event committed without its messages (a crash in between)', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    const { event } = await signOut(core);
    // As if the kiosk died after the event and before its messages were written.
    core.db.prepare('DELETE FROM message_outbox').run();
    core.db.prepare('DELETE FROM message_triggers').run();
    expect(core.messages.sweep()).toBe(1);
    expect(core.messages.sweep()).toBe(0);
    await core.messages.runRound();
    expect(smtp.received).toHaveLength(1);
    expect(rows(core)[0]!.event_id).toBe(event.id);
  });

  it('a fault in queueing a message never costs the sign-in; the sweep decides the event later', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    core.db.exec('ALTER TABLE message_triggers RENAME TO message_triggers_away');
    const { event } = await signOut(core);
    expect(core.events.get(event.id)).not.toBeNull();
    expect(rows(core)).toHaveLength(0);
    core.db.exec('ALTER TABLE message_triggers_away RENAME TO message_triggers');
    await core.messages.runRound(); // the round's sweep finds the undecided event
    expect(smtp.received).toHaveLength(1);
    expect(rows(core)[0]).toMatchObject({ event_id: event.id, state: 'sent' });
  });

  it('switching messages on tells home about events from then on, never the day’s earlier ones', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core, clock } = await kiosk({ smtp, messages: { enabled: false } });
    await signOut(core);
    clock.set(new Date(clock.now().getTime() + 60_000));
    configure(core, { smtp }); // the admin switches messages on
    expect(core.messages.sweep()).toBe(0);
    clock.set(new Date(clock.now().getTime() + 60_000));
    await core.record({ studentId: STUDENT, direction: 'sign_out', reasonId: 'medical' });
    await core.messages.runRound();
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]!.text).toContain('at 10:32');
  });

  it('"send a test message" goes at once and shows in the log; a fault says what to fix', async () => {
    const smtp = await startFakeSmtp();
    cleanups.push(() => smtp.close());
    const { core } = await kiosk({ smtp });
    const ok = await core.messages.sendTest('email', 'it@oakfield.example');
    expect(ok.ok).toBe(true);
    expect(ok.message).toContain('Sent to it@oakfield.example');
    expect(smtp.received[0]).toMatchObject({ to: ['it@oakfield.example'], subject: 'Test message from Oakfield Academy' });
    smtp.faults = { data: { code: 554, message: '5.7.1 Relay access denied' } };
    const bad = await core.messages.sendTest('email');
    expect(bad).toEqual({ ok: false, message: expect.stringContaining('554 5.7.1 Relay access denied') });
    const log = core.messages.log({ state: 'all' }, 0, 10);
    expect(log.total).toBe(2);
    expect(log.rows.map((r) => r.state)).toEqual(['failed', 'sent']);
  });
});

describe('messages home: the signed webhook', () => {
  it('POSTs signed JSON with the chosen contacts; a 5xx is retried with the same delivery id, delivered once', async () => {
    const receiver = await startFakeReceiver('whsec-test-0123456789');
    cleanups.push(() => receiver.close());
    const { core, clock } = await kiosk({ receiver });
    receiver.script = [503];
    const { event } = await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'http_5xx' });
    clock.set(new Date(clock.now().getTime() + 61_000));
    expect(await core.messages.runRound()).toMatchObject({ sent: 1 });
    expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
    expect(new Set(receiver.requests.map((r) => r.id)).size).toBe(1);
    expect(receiver.delivered).toHaveLength(1);
    const d = receiver.delivered[0]!;
    expect(d.signatureOk).toBe(true);
    expect(d.type).toBe('student.signed_out_early');
    expect(d.body).toMatchObject({
      school: 'Oakfield Academy',
      student: { id: STUDENT, forename: 'Aarav', surname: 'Novak', year: 7 },
      event: { id: event.id, direction: 'sign_out', localTime: '10:30', reason: 'Unwell, going home', collectedBy: 'Mum' },
      contacts: [{ name: 'Ann Novak', relationship: 'Mother', phone: '+447700900001', priority: 1 }],
    });
    expect(String(d.body.text)).toContain('Collected by: Mum');
  });

  it('4xx is permanent except 408 and 429; Retry-After is honoured', async () => {
    const receiver = await startFakeReceiver('whsec-test-0123456789');
    cleanups.push(() => receiver.close());
    const { core, clock } = await kiosk({ receiver });
    receiver.script = [{ status: 429, retryAfter: '600' }, 408, 404];
    await signOut(core);
    await core.messages.runRound();
    const first = rows(core)[0]!;
    expect(first).toMatchObject({ state: 'pending', last_error_kind: 'http_4xx' });
    expect(Date.parse(first.next_attempt_at) - clock.now().getTime()).toBe(600_000);
    clock.set(new Date(clock.now().getTime() + 600_000));
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'http_4xx', attempts: 2 });
    clock.set(new Date(clock.now().getTime() + 61_000));
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'failed', last_error_kind: 'http_4xx', attempts: 3 });
    expect(rows(core)[0]!.last_error).toContain('Check the webhook address');
  });

  it('a receiver that never answers times out; a wrong secret is refused (401) and says so; no secret waits for one', async () => {
    const receiver = await startFakeReceiver('whsec-test-0123456789');
    cleanups.push(() => receiver.close());
    const { core, clock } = await kiosk({ receiver });
    receiver.script = ['hang'];
    await signOut(core);
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'timeout' });

    receiver.secret = 'the-service-has-another-secret';
    clock.set(new Date(clock.now().getTime() + 61_000));
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'failed', last_error_kind: 'http_4xx' });
    expect(rows(core)[0]!.last_error).toContain('Check that the webhook secret matches');

    core.secrets.delete(messageSecretKeys.webhookSecret);
    expect(core.messages.retry('all_failed')).toBe(1);
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'config' });
  });

  it('connection refused is transient, with the address to check', async () => {
    const port = await closedPort();
    const { core } = await kiosk({ messages: { webhook: { enabled: true, address: `http://127.0.0.1:${port}/hook` } } });
    core.secrets.set(messageSecretKeys.webhookSecret, 'whsec-test-0123456789');
    await signOut(core);
    await core.messages.runRound();
    expect(rows(core)[0]).toMatchObject({ state: 'pending', last_error_kind: 'refused' });
    expect(rows(core)[0]!.last_error).toContain(`127.0.0.1:${port}`);
  });

  it('the signature covers the timestamp: a replayed body with a new timestamp does not verify', () => {
    const body = '{"id":"x"}';
    const sig = signWebhook('s3cret', 1700000000, body);
    expect(verifySignature('s3cret', sig, '1700000000', body)).toBe(true);
    expect(verifySignature('s3cret', sig, '1700000999', body)).toBe(false);
  });
});

describe('messages home: the admin calls', () => {
  it('the log shows each message with its state and reason; site admin only', async () => {
    const port = await closedPort();
    const { core } = await kiosk({ port });
    await signOut(core);
    await core.messages.runRound();
    await core.staff.setPin(undefined, 'site_admin', '482916');
    const unlock = await core.staff.unlock('482916');
    const res = await dispatch(core, 'messageLog', { token: unlock.token });
    expect(res.ok).toBe(true);
    if (!res.ok) return;
    const v = res.value as { rows: { state: string; reasonKind: string; reason: string; to: string; studentName: string }[]; counts: Record<string, number> };
    expect(v.rows[0]).toMatchObject({ state: 'pending', reasonKind: 'refused', to: 'ann@parents.example', studentName: 'Aarav Novak' });
    expect(v.counts.pending).toBe(1);
    const denied = await dispatch(core, 'messageLog', { token: 'not-a-real-token-123' });
    expect(denied.ok).toBe(false);
  });

  it('messages that keep failing reach the admin: a doctor FAIL with the reason (no address) and `kiosk messages`; the kiosk’s status says nothing', async () => {
    const smtp = await startFakeSmtp();
    smtp.users.set('kiosk', 'right');
    cleanups.push(() => smtp.close());
    const t = await kiosk({ smtp, password: 'wrong', messages: { email: { username: 'kiosk' } } });
    const { core } = t;
    const doctor = async () => (await runDoctor({ ...core.maintenance.doctorPorts(), dataDir: t.dataDir }, ['messages'])).checks[0]!;
    expect(await doctor()).toMatchObject({ status: 'ok', summary: 'Every message home has been sent.' });
    await signOut(core);
    expect(await core.messages.runRound()).toMatchObject({ retrying: 1 });
    // A refused sign-in never heals on its own: a FAIL at once, saying what to fix.
    const d = await doctor();
    expect(d).toMatchObject({ status: 'fail', summary: expect.stringMatching(/^1 message\(s\) home are waiting and cannot be sent\. Last problem: The mail server .* refused to sign in/), fix: expect.stringMatching(/Settings → Messages/) });
    expect(JSON.stringify(d)).not.toMatch(/@|Novak/);
    // The student's screen gets the kiosk status: nothing about messages there.
    expect(JSON.stringify(await core.getStatus())).not.toMatch(/message/i);
    const cli = await runCli(['messages', '--json', '--data-dir', t.dataDir]);
    expect(cli.code).toBe(0);
    const v = JSON.parse(cli.out) as { counts: Record<string, number>; total: number; rows: { state: string; reasonKind: string; to: string; studentName: string }[] };
    expect(v.counts).toMatchObject({ pending: 1, failed: 0 });
    expect(v.rows).toEqual([expect.objectContaining({ state: 'pending', reasonKind: 'auth', to: 'ann@parents.example', studentName: 'Aarav Novak' })]);
    const human = await runCli(['messages', '--data-dir', t.dataDir]);
    expect(human.out).toMatch(/^pending: 1 {2}sending: 0 {2}sent: 0 {2}failed: 0\n#1 pending email early_leave Aarav Novak → ann@parents.example attempts=1 next .* — The mail server .* refused to sign in/);
    core.db.prepare(`UPDATE message_outbox SET state = 'failed', last_error_kind = 'smtp_5xx', last_error = '550 5.1.1 <ann@parents.example> unknown'`).run();
    expect(await doctor()).toMatchObject({ status: 'fail', summary: '1 message(s) home were not sent and need a decision. Last problem: 550 5.1.1 <[address]> unknown' });
  });
});
