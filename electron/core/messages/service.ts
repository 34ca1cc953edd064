// The message outbox's worker (issue 17, part 3). Queues an event's messages in the event's own
// transaction (queueInTransaction), catches any event that was committed without them (sweep, at
// start-up and on every round), and sends: claim (pending → sending, on disk) → send → mark sent,
// or back to pending with backoff, or failed with the reason. One round at a time, one message at
// a time: a school sends a handful a day, and order within a round does not matter.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logging/logger';
import type { SecretStore } from '../security/secrets';
import type { MessageRepository, MessageRow, MessageState, NewMessage } from '../db/messages';
import { backoffDelay, type BackoffPolicy } from '../sync/backoff';
import { composeForEvent, newMessageId, webhookBody, type ContactView } from './compose';
import { defaultMailTimeouts, smtpSender, type MailSender, type MailTimeouts, type SendVerdict } from './mailer';
import { postWebhook } from './webhook';
import { isEmailAddress, messageSecretKeys, type MessageSettings } from '../../../shared/messages';
import type { SiteSettings } from '../../../shared/settings';
import type { SignEvent, Student } from '../../../shared/model';

export interface MessageServiceOptions {
  repo: MessageRepository;
  settings: () => SiteSettings;
  student: (id: string) => Student | null;
  event: (id: string) => SignEvent | null;
  /**
   * Who collects the student on this event ("Jo Smith (Mother)"), from event_collectors: every
   * path (with the event, the sweep) names the collector from there, whatever the MIS comment says.
   */
  collectedBy: (eventId: string) => string | null;
  /** The student's contacts as the roster stored them (CollectorRepository.storedContacts). */
  contacts: (studentId: string) => unknown[];
  /** Today's date in the school's time zone. */
  today: () => string;
  clock: Clock;
  logger: Logger;
  secrets: SecretStore;
  /** Tests give a short-timeout sender; default nodemailer's SMTP transport. */
  mailer?: (settings: MessageSettings['email'], password: string | null) => MailSender;
  mailTimeouts?: MailTimeouts;
  webhookTimeoutMs?: number;
  backoff?: BackoffPolicy;
  /** The longest wait between rounds (new events are also caught by the sweep). */
  intervalMs?: number;
}

export const messageBackoff: BackoffPolicy = { baseMs: 30_000, capMs: 30 * 60_000 };
/** A round sends at most this many; the next round follows at once when more are due. */
const BATCH_PER_ROUND = 50;
const SWEEP_LIMIT = 200;
const ENABLED_AT = 'enabled_at';

/** E-mail addresses out of a text bound for the log file (names and addresses never go there). */
export function withoutAddresses(text: string): string {
  return text.replace(/[^\s<>()"',;:]+@[^\s<>()"',;:]+/g, '[address]');
}

export interface RoundResult {
  sent: number;
  retrying: number;
  failed: number;
}

export class MessageService {
  private readonly o: MessageServiceOptions;
  private timer: NodeJS.Timeout | null = null;
  private round: Promise<RoundResult> | null = null;
  private again = false;
  private started = false;
  private lastPurge = 0;
  private readonly listeners = new Set<() => void>();

  constructor(options: MessageServiceOptions) {
    this.o = options;
  }

  private now(): string {
    return this.o.clock.now().toISOString();
  }

  /** Called when a round changed rows (the status chip and the log screen listen). */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Messages switched on: from now on events are told (never the day's earlier events, which
   * happened before anyone chose to tell home). Switched off: the mark is cleared.
   */
  settingsChanged(): void {
    const on = this.o.settings().messages.enabled;
    const at = this.o.repo.getState(ENABLED_AT);
    if (on && !at) this.o.repo.setState(ENABLED_AT, this.now());
    if (!on && at) this.o.repo.setState(ENABLED_AT, null);
    // Fixed settings (a password, a port): whatever waits out a backoff goes now.
    if (on) this.o.repo.retry('waiting', this.now(), this.now());
    this.kick();
  }

  /**
   * Inside the event's transaction: decide and queue its messages. Never throws: a sign-in must
   * never fail because of a message; anything that goes wrong here is caught by the sweep.
   */
  queueInTransaction(event: SignEvent, student: Student): void {
    try {
      const settings = this.o.settings();
      if (!settings.messages.enabled) return;
      const nowIso = this.now();
      const composed = composeForEvent(event, student, settings, this.o.contacts(student.id), nowIso, this.o.collectedBy(event.id));
      this.o.repo.queueForEvent(event.id, composed.messages, composed.note, nowIso);
    } catch (e) {
      this.o.logger.error('messages not queued with the event; the sweep will', { event: event.id, error: (e as Error).message });
    }
  }

  /**
   * Today's events since messages were switched on that have not been decided: a crash between
   * an event and its messages, or an event written by a path that does not queue them.
   */
  sweep(): number {
    const settings = this.o.settings();
    const since = this.o.repo.getState(ENABLED_AT);
    if (!settings.messages.enabled || !since) return 0;
    let queued = 0;
    for (const { id, studentId } of this.o.repo.undecidedEvents(this.o.today(), since, SWEEP_LIMIT)) {
      const event = this.o.event(id);
      const student = this.o.student(studentId);
      const nowIso = this.now();
      if (!event || !student) {
        this.o.repo.queueForEvent(id, [], 'event or student not found', nowIso);
        continue;
      }
      const composed = composeForEvent(event, student, settings, this.o.contacts(student.id), nowIso, this.o.collectedBy(event.id));
      queued += this.o.repo.queueForEvent(event.id, composed.messages, composed.note, nowIso);
    }
    if (queued) this.o.logger.info('messages queued by the sweep', { messages: queued });
    return queued;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    const back = this.o.repo.recoverSending(this.now());
    if (back) this.o.logger.warn('messages interrupted by a stop are sent again with the same Message-ID', { messages: back });
    this.settingsChanged();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.round?.catch(() => undefined);
  }

  /** Something may be due now (an event, a settings save, the admin's retry). */
  kick(): void {
    if (!this.started) return;
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.runRound().catch((e: unknown) => this.o.logger.error('message round failed', { error: (e as Error).message }));
    }, ms);
    this.timer.unref?.();
  }

  /** One round now (tests and the CLI drive it; the timer does otherwise). Rounds never overlap. */
  runRound(): Promise<RoundResult> {
    if (this.round) {
      this.again = true;
      return this.round;
    }
    this.round = this.roundOnce().finally(() => {
      this.round = null;
      if (this.again) {
        this.again = false;
        if (this.started) this.schedule(0);
      } else if (this.started) this.scheduleNext();
    });
    return this.round;
  }

  private scheduleNext(): void {
    const interval = this.o.intervalMs ?? 30_000;
    const next = this.o.repo.nextDueAt();
    const wait = next ? Math.max(0, Math.min(interval, Date.parse(next) - this.o.clock.now().getTime())) : interval;
    this.schedule(wait);
  }

  private async roundOnce(): Promise<RoundResult> {
    const result: RoundResult = { sent: 0, retrying: 0, failed: 0 };
    let sender: MailSender | null = null;
    let changed = false;
    try {
      const given = this.o.repo.giveUpStale(this.now());
      if (given) {
        changed = true;
        this.o.logger.warn('messages given up: not sent in time', { messages: given });
      }
      if (this.sweep()) changed = true;
      // Privacy: the keep period is enforced a few times a day, whenever the worker runs.
      if (this.o.clock.now().getTime() - this.lastPurge > 6 * 3_600_000) {
        this.lastPurge = this.o.clock.now().getTime();
        if (this.purge()) changed = true;
      }
      // One claimed at a time, right before it is sent: a row in `sending` is then always the one
      // message that was on the wire when the kiosk stopped (the README's "at most one").
      for (let n = 0; n < BATCH_PER_ROUND; n++) {
        const rows = this.o.repo.claimDue(this.now(), 1);
        if (rows.length === 0) break;
        changed = true;
        for (const row of rows) {
          const settings = this.o.settings().messages;
          let verdict: SendVerdict;
          if (row.channel === 'email') {
            if (!settings.email.enabled) verdict = { ok: false, transient: false, kind: 'config', message: 'E-mail was switched off before this message was sent.' };
            else {
              sender ??= (this.o.mailer ?? ((s, p) => smtpSender(s, p, this.o.mailTimeouts ?? defaultMailTimeouts)))(settings.email, this.o.secrets.get(messageSecretKeys.smtpPassword));
              verdict = await sender.send(row);
            }
          } else if (!settings.webhook.enabled) verdict = { ok: false, transient: false, kind: 'config', message: 'The webhook was switched off before this message was sent.' };
          else verdict = await postWebhook(row, this.o.secrets.get(messageSecretKeys.webhookSecret), { timeoutMs: this.o.webhookTimeoutMs ?? 15_000 });
          this.settle(row, verdict, result);
        }
      }
    } finally {
      sender?.close();
      if (changed) for (const l of this.listeners) l();
    }
    return result;
  }

  private settle(row: MessageRow, verdict: SendVerdict, result: RoundResult, retry = true): void {
    const nowIso = this.now();
    if (verdict.ok) {
      this.o.repo.markSent(row.id, verdict.reply, nowIso);
      this.o.logger.info('message sent', { message: row.id, channel: row.channel, kind: row.kind, attempt: row.attempts });
      result.sent++;
      return;
    }
    // The log file gets the reason without addresses (a 550 often quotes the recipient); the admin's log keeps it whole.
    const fields = { message: row.id, channel: row.channel, kind: row.kind, attempt: row.attempts, failure: verdict.kind, reason: withoutAddresses(verdict.message) };
    if (verdict.transient && retry) {
      const wait = backoffDelay(row.attempts, this.o.backoff ?? messageBackoff, Math.random, verdict.retryAfterMs);
      const next = new Date(this.o.clock.now().getTime() + wait).toISOString();
      if (next > row.give_up_at) {
        this.o.repo.markFailed(row.id, 'expired', `Not sent in time; last try: ${verdict.message}`, nowIso);
        this.o.logger.error('message given up', fields);
        result.failed++;
        return;
      }
      this.o.repo.markRetry(row.id, next, verdict.kind, verdict.message, nowIso);
      this.o.logger.warn('message not sent; trying again', { ...fields, next });
      result.retrying++;
    } else {
      this.o.repo.markFailed(row.id, verdict.kind, verdict.message, nowIso);
      this.o.logger.error('message failed', fields);
      result.failed++;
    }
  }

  /**
   * "Send a test message": a made-up student, through the outbox's own path (so it shows in the
   * log), sent now and not retried. E-mail goes to `to` (default: the sender's own address).
   */
  async sendTest(channel: 'email' | 'webhook', to?: string): Promise<{ ok: boolean; message: string }> {
    const settings = this.o.settings();
    const m = settings.messages;
    const nowIso = this.now();
    const sample: Student = { id: 'test', misId: null, forename: 'Test', surname: 'Student', year: 9, form: '9X', groupId: null, badge: null, photo: null, active: true };
    const local = nowIso.slice(11, 16);
    const eventId = `test-${randomUUID()}`;
    const text = `This is a test message from ${settings.schoolName}’s sign-in kiosk. If it reached you, messages to parents will too.`;
    let row: NewMessage;
    if (channel === 'email') {
      if (!m.email.enabled || !m.email.server) return { ok: false, message: 'Switch e-mail on and enter the mail server first, then save.' };
      const address = (to ?? m.email.sender).trim();
      if (!isEmailAddress(address)) return { ok: false, message: 'Enter the address to send the test to.' };
      row = { eventId, studentId: 'test', kind: 'test', channel, recipient: address, recipientName: null, messageId: newMessageId(m.email.sender), subject: `Test message from ${settings.schoolName}`, body: text, giveUpAt: nowIso };
    } else {
      if (!m.webhook.enabled || !m.webhook.address) return { ok: false, message: 'Switch the webhook on and enter its address first, then save.' };
      const id = randomUUID();
      const contacts: ContactView[] = [{ name: 'Test Parent', relationship: 'Parent', email: 'parent@example.invalid', phone: '+440000000000', priority: 1, parentalResponsibility: true }];
      const event = { id: eventId, direction: 'sign_out' as const, occurredAt: nowIso, localDate: this.o.today(), localTime: local, reasonLabel: 'Test', code: null, minutesLate: null };
      row = { eventId, studentId: 'test', kind: 'test', channel, recipient: m.webhook.address, recipientName: null, messageId: id, subject: null, body: webhookBody(id, 'test', event, sample, settings, contacts, text, null), giveUpAt: nowIso };
    }
    this.o.repo.insert([row], nowIso);
    const claimed = this.o.repo.claimById(row.messageId, nowIso);
    if (!claimed) return { ok: false, message: 'The test message could not be queued.' };
    let verdict: SendVerdict;
    if (channel === 'email') {
      const sender = (this.o.mailer ?? ((s, p) => smtpSender(s, p, this.o.mailTimeouts ?? defaultMailTimeouts)))(m.email, this.o.secrets.get(messageSecretKeys.smtpPassword));
      try {
        verdict = await sender.send(claimed);
      } finally {
        sender.close();
      }
    } else verdict = await postWebhook(claimed, this.o.secrets.get(messageSecretKeys.webhookSecret), { timeoutMs: this.o.webhookTimeoutMs ?? 15_000 });
    this.settle(claimed, verdict, { sent: 0, retrying: 0, failed: 0 }, false);
    for (const l of this.listeners) l();
    if (verdict.ok) return { ok: true, message: channel === 'email' ? `Sent to ${row.recipient}. The server said: ${verdict.reply ?? 'OK'}` : `Delivered: the service answered ${verdict.reply ?? 'OK'}.` };
    return { ok: false, message: verdict.message };
  }

  /**
   * Issue 18: a staff notice (a lateness threshold reached, to the address its rule names),
   * queued in this outbox so it is sent, retried and given up like a message home, and shows in
   * the message log. False when e-mail is not set up: the caller keeps it and asks again later.
   * True also when the outbox already holds a message about this sign-in to this address (the
   * parent's, or this notice asked for again): it keeps one per sign-in and address. The outbox's
   * kinds are fixed by migration 012, so it goes as a 'late_arrival' message.
   */
  queueStaffNotice(n: { eventId: string; studentId: string; to: string; subject: string; text: string }): boolean {
    const m = this.o.settings().messages;
    if (!m.enabled || !m.email.enabled || !m.email.server || !isEmailAddress(n.to)) return false;
    const nowIso = this.now();
    const giveUpAt = new Date(Date.parse(nowIso) + m.giveUpHours * 3_600_000).toISOString();
    const queued = this.o.repo.insert(
      [{ eventId: n.eventId, studentId: n.studentId, kind: 'late_arrival', channel: 'email', recipient: n.to, recipientName: null, messageId: newMessageId(m.email.sender), subject: n.subject, body: n.text, giveUpAt }],
      nowIso,
    );
    // The outbox keeps one message per sign-in and address (migration 012): a notice to the address
    // the parent's message about this sign-in went to is not queued. Said here, never silently
    // (asking again would never succeed, and would hold back every later notice).
    if (queued === 0) this.o.logger.warn('staff notice not queued: a message about this sign-in to this address is already in the outbox', { event: n.eventId });
    this.kick();
    return true;
  }

  /** The admin's retry: failed rows (by id, or all) go again, with a fresh give-up time. */
  retry(which: number[] | 'all_failed'): number {
    const nowIso = this.now();
    const giveUp = new Date(this.o.clock.now().getTime() + this.o.settings().messages.giveUpHours * 3_600_000).toISOString();
    const n = this.o.repo.retry(which, nowIso, giveUp);
    this.kick();
    return n;
  }

  log(filter: { state?: MessageState | 'all' }, offset: number, limit: number): ReturnType<MessageRepository['log']> {
    return this.o.repo.log(filter, offset, limit);
  }

  counts(): Record<MessageState, number> {
    return this.o.repo.counts();
  }

  /** Privacy: finished messages older than the keep period are deleted (text and addresses). */
  purge(): number {
    const days = this.o.settings().messages.keepDays;
    const before = new Date(this.o.clock.now().getTime() - days * 86_400_000).toISOString();
    const n = this.o.repo.purge(before);
    if (n) this.o.logger.info('old messages deleted', { messages: n, keepDays: days });
    return n;
  }
}
