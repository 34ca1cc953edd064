// A real SMTP server on 127.0.0.1 for the message outbox's tests: smtp-server (the Nodemailer
// project's server library) speaking the wire protocol, mailparser reading what arrives. Faults are
// set per test, each the way a real server shows it on the wire:
//
// - Reply codes, RFC 5321 §4.2.1: 4yz = transient negative completion (try again later: 421, 450,
//   451, 452), 5yz = permanent negative completion (550 mailbox unavailable, 554 transaction
//   failed); given at RCPT TO (§3.3: per recipient) or after the data (§4.1.1.4: "the receiver-SMTP
//   MUST send 250 OK only if it accepts responsibility for the message").
// - Authentication, RFC 4954 §6: 535 5.7.8 "Authentication credentials invalid".
// - Timeouts: the server accepts the connection and never greets (RFC 5321 §4.5.3.2.1 gives a
//   client 5 minutes for the 220 greeting; the client under test is given much less), or holds the
//   reply to the end of data (§4.5.3.2.6: 10 minutes).
// - Refused: nothing listens on the port (a closed server).
// - Hold: the data is in, the 250 is not yet sent. A client killed now never heard the server take
//   the message; the server drops it with the connection (§3.8: a connection lost mid-transaction
//   is a failed transaction, treated by the client as a 451), so a resend is not a duplicate. A kill
//   after the 250 and before the client records it IS the duplicate window RFC 1047 ("Duplicate
//   messages and SMTP") describes; the outbox's README says so, and the crash test counts it.
//
// nodemailer's side of each fault (its error codes ECONNECTION, ETIMEDOUT, EAUTH, EENVELOPE,
// EMESSAGE; responseCode) is as in its docs (nodemailer.com/smtp, nodemailer.com/extras/smtp-connection)
// and its source (dist/esm/errors.js, smtp-connection/index.js _formatError).
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  headers: Record<string, string>;
  user: string | null;
}

export type Reply = { code: number; message: string };

export interface SmtpFaults {
  /** Reply to RCPT TO instead of 250 (RFC 5321 §4.2.1 classes). */
  rcpt?: Reply | null;
  /** Reply after the data instead of 250. */
  data?: Reply | null;
  /** Never send the 220 greeting (the client's greeting timeout). */
  silentGreeting?: boolean;
  /** Hold the end-of-data reply until `release()` (or the client goes). */
  hold?: boolean;
  /** How many more messages get the fault above before the server is healthy again (default: all). */
  times?: number;
  /** Messages let through untouched before the data/hold fault starts (the crash test picks its moment). */
  after?: number;
}

export interface FakeSmtp {
  port: number;
  host: string;
  received: ReceivedMail[];
  faults: SmtpFaults;
  /** Accounts the server accepts (AUTH PLAIN/LOGIN); empty: no authentication asked. */
  users: Map<string, string>;
  /** Fired when a message's data is in and its reply is held (`hold`), with its Message-ID. */
  onHeld(listener: (messageId: string) => void): () => void;
  /** Fired when a message is accepted (the 250 is on its way), with its Message-ID. */
  onAccepted(listener: (messageId: string) => void): () => void;
  /** Send every held 250. */
  release(): void;
  close(): Promise<void>;
}

function smtpError(r: Reply): Error {
  return Object.assign(new Error(r.message), { responseCode: r.code });
}

export async function startFakeSmtp(options: { port?: number } = {}): Promise<FakeSmtp> {
  const received: ReceivedMail[] = [];
  const users = new Map<string, string>();
  const held = new Map<string, () => void>();
  const heldListeners = new Set<(id: string) => void>();
  const acceptedListeners = new Set<(id: string) => void>();
  const fake = { faults: {} as SmtpFaults };
  // A fault applies while `times` (when given) lasts; each message it hits uses one up.
  const active = (): SmtpFaults => (fake.faults.times === undefined || fake.faults.times > 0 ? fake.faults : {});
  const consume = () => {
    if (fake.faults.times !== undefined) fake.faults.times -= 1;
  };
  const server = new SMTPServer({
    // Plain SMTP on the loopback: the TLS handshake is the library's, not what is under test.
    disabledCommands: ['STARTTLS'],
    hideSTARTTLS: true,
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    // close() ends a held connection quickly instead of waiting for it.
    closeTimeout: 200,
    onConnect(_session, cb) {
      if (fake.faults.silentGreeting) return; // never call back: no 220
      cb();
    },
    onAuth(auth, _session, cb) {
      if (users.size > 0 && users.get(auth.username ?? '') === auth.password) return cb(null, { user: auth.username });
      cb(smtpError({ code: 535, message: '5.7.8 Authentication credentials invalid' }));
    },
    onMailFrom(_address, session, cb) {
      if (users.size > 0 && !session.user) return cb(smtpError({ code: 530, message: '5.7.0 Authentication required' }));
      cb();
    },
    onRcptTo(_address, _session, cb) {
      const r = active().rcpt;
      if (r) {
        consume();
        return cb(smtpError(r));
      }
      cb();
    },
    onData(stream, session: SMTPServerSession, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          const messageId = mail.messageId ?? '';
          let f = active();
          if ((f.data || f.hold) && fake.faults.after) {
            fake.faults.after -= 1;
            f = {};
          }
          if (f.data || f.hold) consume();
          if (f.data) return cb(smtpError(f.data));
          const accept = () => {
            received.push({
              messageId,
              from: mail.from?.value[0]?.address ?? '',
              to: (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : []).flatMap((a) => a.value.map((v) => v.address ?? '')),
              subject: mail.subject ?? '',
              text: mail.text ?? '',
              headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])),
              user: typeof session.user === 'string' ? session.user : null,
            });
            for (const l of acceptedListeners) l(messageId);
            cb(null, `2.0.0 Ok: queued as ${received.length}`);
          };
          if (f.hold) {
            held.set(session.id, accept);
            for (const l of heldListeners) l(messageId);
            return;
          }
          accept();
        });
      });
    },
    onClose(session) {
      // The client went before it heard the 250: the message was never taken (RFC 5321 §3.8).
      held.delete(session.id);
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    host: '127.0.0.1',
    received,
    users,
    get faults() {
      return fake.faults;
    },
    set faults(f: SmtpFaults) {
      fake.faults = f;
    },
    onHeld(l) {
      heldListeners.add(l);
      return () => heldListeners.delete(l);
    },
    onAccepted(l) {
      acceptedListeners.add(l);
      return () => acceptedListeners.delete(l);
    },
    release() {
      const all = [...held.values()];
      held.clear();
      for (const a of all) a();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
