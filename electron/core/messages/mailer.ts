// E-mail through the school's own SMTP server, with nodemailer. One connection per batch, closed
// after it (a kiosk sends a handful a day). Each failure is sorted into what the outbox does with
// it, by RFC 5321's reply classes (§4.2.1: 4yz "transient negative completion", 5yz "permanent
// negative completion") and nodemailer's error codes (nodemailer.com/errors; dist/esm/errors.js):
// ECONNECTION (refused/closed), ETIMEDOUT, EDNS, ETLS, EAUTH/ENOAUTH, EENVELOPE, EMESSAGE…
import nodemailer from 'nodemailer';
import type { MessageRow } from '../db/messages';
import type { MessageSettings } from '../../../shared/messages';

export type SendVerdict =
  | { ok: true; reply: string | null }
  /** transient: retried with backoff (until the row's give-up time); permanent: failed now, with the reason. */
  | { ok: false; transient: boolean; kind: FailureKind; message: string; retryAfterMs?: number };

export type FailureKind = 'refused' | 'timeout' | 'dns' | 'tls' | 'auth' | 'smtp_4xx' | 'smtp_5xx' | 'http_4xx' | 'http_5xx' | 'config' | 'network' | 'error';

export interface MailTimeouts {
  connectionMs: number;
  greetingMs: number;
  socketMs: number;
}

export const defaultMailTimeouts: MailTimeouts = { connectionMs: 20_000, greetingMs: 20_000, socketMs: 60_000 };

interface SmtpLikeError {
  code?: string;
  responseCode?: number;
  response?: string;
  command?: string;
  message?: string;
  cause?: unknown;
}

const SYSCALL_CODES = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT'];

/** The operating system's error under nodemailer's (it keeps it as `originalCode`, smtp-connection _formatError). */
function syscallCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    for (const v of [(cur as { originalCode?: unknown }).originalCode, (cur as { code?: unknown }).code, (cur as { errno?: unknown }).errno]) if (typeof v === 'string' && SYSCALL_CODES.includes(v)) return v;
    cur = (cur as { cause?: unknown }).cause;
  }
  return SYSCALL_CODES.find((c) => String((e as Error | undefined)?.message ?? '').includes(c));
}

/** A nodemailer error → what to do and what to tell the admin (who can act on it). */
export function classifySmtpError(e: unknown, where: { host: string; port: number }): Extract<SendVerdict, { ok: false }> {
  const err = (e ?? {}) as SmtpLikeError;
  const at = `${where.host}:${where.port}`;
  const reply = err.response ? err.response.replace(/\s+/g, ' ').slice(0, 200) : null;
  const sys = syscallCode(e);
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH' || err.responseCode === 535 || err.responseCode === 534 || err.responseCode === 530) {
    return {
      ok: false,
      transient: true,
      kind: 'auth',
      message: `The mail server ${at} refused to sign in${reply ? ` (${reply})` : ''}. Check the user name, then enter the password again in Settings → Messages.`,
    };
  }
  if (typeof err.responseCode === 'number' && err.responseCode >= 400 && err.responseCode < 500) {
    return { ok: false, transient: true, kind: 'smtp_4xx', message: `The mail server said try again later (${reply ?? err.responseCode}).` };
  }
  if (typeof err.responseCode === 'number' && err.responseCode >= 500) {
    return { ok: false, transient: false, kind: 'smtp_5xx', message: `The mail server refused this message for good (${reply ?? err.responseCode}). Check the address and the sender the school set.` };
  }
  if (sys === 'ECONNREFUSED') return { ok: false, transient: true, kind: 'refused', message: `Nothing answered at ${at} (connection refused). Check the server name and port in Settings → Messages.` };
  if (err.code === 'ETIMEDOUT' || sys === 'ETIMEDOUT')
    return { ok: false, transient: true, kind: 'timeout', message: `The mail server ${at} did not answer in time. It may be down, or a firewall may block port ${where.port}.` };
  if (err.code === 'EDNS' || sys === 'ENOTFOUND' || sys === 'EAI_AGAIN') return { ok: false, transient: true, kind: 'dns', message: `The server name ${where.host} could not be found. Check its spelling, and the kiosk’s network.` };
  if (err.code === 'ETLS') return { ok: false, transient: true, kind: 'tls', message: `A secure connection to ${at} could not be set up (${err.message ?? 'TLS'}). Check "security": 465 usually needs tls, 587 starttls.` };
  if (err.code === 'ECONNECTION' || err.code === 'ESOCKET' || sys)
    return { ok: false, transient: true, kind: 'network', message: `The connection to ${at} failed (${err.message ?? err.code}).` };
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return { ok: false, transient: false, kind: 'smtp_5xx', message: `The mail server refused this message (${err.message ?? err.code}).` };
  return { ok: false, transient: true, kind: 'error', message: `Sending failed: ${err.message ?? String(e)}` };
}

export interface MailSender {
  send(row: MessageRow): Promise<SendVerdict>;
  close(): void;
}

/** A sender for one batch: nodemailer's SMTP transport with the school's settings. */
export function smtpSender(settings: MessageSettings['email'], password: string | null, timeouts: MailTimeouts = defaultMailTimeouts): MailSender {
  const where = { host: settings.server, port: settings.port };
  const transport = nodemailer.createTransport({
    host: settings.server,
    port: settings.port,
    // nodemailer docs (nodemailer.com/smtp): secure = TLS from the start (465); requireTLS = STARTTLS
    // or fail (587); ignoreTLS = never upgrade (a relay on the school's own network).
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.username ? { user: settings.username, pass: password ?? '' } : undefined,
    connectionTimeout: timeouts.connectionMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
  });
  return {
    async send(row) {
      if (settings.username && !password)
        return { ok: false, transient: true, kind: 'config', message: 'No password is stored for the mail server. Enter it in Settings → Messages.' };
      try {
        const info = await transport.sendMail({
          from: settings.senderName ? { name: settings.senderName, address: settings.sender } : settings.sender,
          to: row.recipient_name ? { name: row.recipient_name, address: row.recipient } : row.recipient,
          replyTo: settings.replyTo || undefined,
          subject: row.subject ?? '',
          text: row.body,
          // The same Message-ID and Date on every attempt: a resend after a crash is the same
          // message, which mail systems and people can recognise as a duplicate (RFC 5322 §3.6.4).
          messageId: row.message_id,
          date: new Date(row.created_at),
          // RFC 3834 §5: an automatic message, so that auto-replies are not sent back to it.
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Passdesk-Message': row.kind },
        });
        return { ok: true, reply: typeof info.response === 'string' ? info.response.slice(0, 200) : null };
      } catch (e) {
        return classifySmtpError(e, where);
      }
    },
    close() {
      transport.close();
    },
  };
}
