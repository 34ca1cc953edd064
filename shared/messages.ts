// Telling home (issue 17, part 3): the settings of the message outbox — who is told, through the
// school's own SMTP server and/or a signed webhook, with which words — and the template language.
// Pure: the core renders with these functions, the settings screen validates with the same schema.
import { z } from 'zod';

/** The placeholders a template may use, each filled from the event (or left empty when unknown). */
export const PLACEHOLDERS = ['forename', 'surname', 'school', 'date', 'time', 'reason', 'collectedBy', 'minutesLate', 'year', 'form'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type TemplateValues = Record<Placeholder, string>;

const PLACEHOLDER_RE = /\{([^{}]*)\}/g;

/** The names in `{…}` that are not placeholders, and braces left open, as messages an admin can act on. */
export function templateProblems(text: string): string[] {
  const problems: string[] = [];
  for (const m of text.matchAll(PLACEHOLDER_RE)) {
    const name = m[1]!.trim();
    if (!(PLACEHOLDERS as readonly string[]).includes(name))
      problems.push(`{${m[1]}} is not a placeholder. Use one of ${PLACEHOLDERS.map((p) => `{${p}}`).join(', ')}.`);
  }
  const stripped = text.replace(PLACEHOLDER_RE, '');
  if (/[{}]/.test(stripped)) problems.push('A { or } has no partner: write placeholders as {forename}.');
  return problems;
}

/** The template with every placeholder filled in. Unknown values become empty text, never "undefined". */
export function renderTemplate(text: string, values: Partial<TemplateValues>): string {
  return text.replace(PLACEHOLDER_RE, (_all, name: string) => values[name.trim() as Placeholder] ?? '');
}

const templateText = (max: number, oneLine: boolean) =>
  z
    .string()
    .max(max)
    .superRefine((t, ctx) => {
      for (const message of templateProblems(t)) ctx.addIssue({ code: 'custom', message });
      if (oneLine && /[\r\n]/.test(t)) ctx.addIssue({ code: 'custom', message: 'A subject is one line: remove the line break.' });
    });

export const messageTemplates = z.strictObject({
  earlySubject: templateText(200, true),
  earlyBody: templateText(4000, false),
  lateSubject: templateText(200, true),
  lateBody: templateText(4000, false),
});
export type MessageTemplates = z.output<typeof messageTemplates>;

export const defaultTemplates: Record<'en-GB' | 'en-US', MessageTemplates> = {
  'en-GB': {
    earlySubject: '{forename} signed out of {school} at {time}',
    earlyBody:
      'Dear parent or carer,\n\n{forename} {surname} signed out of {school} at {time} on {date}.\nReason: {reason}\nCollected by: {collectedBy}\n\n' +
      'If you did not expect this, please ring the school office.\n\nThis message was sent by the school’s sign-in kiosk.',
    lateSubject: '{forename} arrived late at {school}',
    lateBody:
      'Dear parent or carer,\n\n{forename} {surname} signed in at {school} at {time} on {date}, after the register closed ({minutesLate} minutes late).\nReason given: {reason}\n\n' +
      'Please contact the school office if you have any questions.\n\nThis message was sent by the school’s sign-in kiosk.',
  },
  'en-US': {
    earlySubject: '{forename} checked out of {school} at {time}',
    earlyBody:
      'Dear parent or guardian,\n\n{forename} {surname} checked out of {school} at {time} on {date}.\nReason: {reason}\nPicked up by: {collectedBy}\n\n' +
      'If you did not expect this, please call the front office.\n\nThis message was sent by the school’s check-in kiosk.',
    lateSubject: '{forename} arrived late to {school}',
    lateBody:
      'Dear parent or guardian,\n\n{forename} {surname} checked in at {school} at {time} on {date}, {minutesLate} minutes late (unexcused tardy time).\nReason given: {reason}\n\n' +
      'Please contact the front office with any questions.\n\nThis message was sent by the school’s check-in kiosk.',
  },
};

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;
const HOST_RE = /^[A-Za-z0-9.-]+$|^\[[0-9a-fA-F:.]+\]$/;

export function isEmailAddress(v: string): boolean {
  return EMAIL_RE.test(v) && v.length <= 254;
}

/** https anywhere; plain http only to this machine (a local relay or a test receiver). */
export function webhookUrlProblem(v: string): string | null {
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    return 'Enter the full address, starting https://';
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return null;
  return 'Use an https:// address: the message carries names and contact details.';
}

/** The secret store's names for the two credentials (write-only from the screen). */
export const messageSecretKeys = {
  smtpPassword: 'messages.smtpPassword',
  webhookSecret: 'messages.webhookSecret',
} as const;

export const messageSettings = z
  .strictObject({
    /** Off until the school sets it up: nothing is queued while off. */
    enabled: z.boolean().default(false),
    /** Tell home when a student signs out early. */
    earlyLeave: z.boolean().default(true),
    /** Tell home when a student signs in after the session's unauthorised time. */
    lateArrival: z.boolean().default(false),
    /**
     * Which of the student's contacts (from the roster) are told: the first-priority contact(s),
     * every contact with parental responsibility, or every contact with an e-mail address.
     */
    recipients: z.enum(['priority_1', 'parental_responsibility', 'all']).default('priority_1'),
    email: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** The school's own SMTP server (Microsoft 365, Google Workspace relay, the LA's relay…). */
        server: z.string().trim().max(253).default(''),
        port: z.number().int().min(1).max(65535).default(587),
        /** starttls: upgrade on 587 (required); tls: TLS from the start (465); none: a relay on the school network only. */
        security: z.enum(['starttls', 'tls', 'none']).default('starttls'),
        /** Empty: the server takes mail without signing in (a relay that trusts the kiosk's address). */
        username: z.string().trim().max(254).default(''),
        sender: z.string().trim().max(254).default(''),
        senderName: z.string().trim().max(100).default(''),
        /** Where parents' replies go (the school office); empty: to the sender. */
        replyTo: z.string().trim().max(254).default(''),
      })
      .prefault({}),
    webhook: z
      .strictObject({
        enabled: z.boolean().default(false),
        address: z.string().trim().max(2000).default(''),
      })
      .prefault({}),
    /** The words, per language; the school's language (settings locale) is used. */
    templates: z
      .strictObject({ 'en-GB': messageTemplates.default(defaultTemplates['en-GB']), 'en-US': messageTemplates.default(defaultTemplates['en-US']) })
      .prefault({}),
    /** A message not sent within this many hours is given up ("too late to be useful"), never sent days late. */
    giveUpHours: z.number().int().min(1).max(72).default(8),
    /** How long sent and failed messages (with their text and addresses) are kept for the log. */
    keepDays: z.number().int().min(1).max(365).default(30),
  })
  .superRefine((m, ctx) => {
    const e = m.email;
    if (e.enabled) {
      if (!e.server) ctx.addIssue({ code: 'custom', path: ['email', 'server'], message: 'Enter the school’s SMTP server, e.g. smtp.office365.com.' });
      else if (!HOST_RE.test(e.server)) ctx.addIssue({ code: 'custom', path: ['email', 'server'], message: 'Enter a server name or address only, without smtp:// or a port.' });
      if (!isEmailAddress(e.sender)) ctx.addIssue({ code: 'custom', path: ['email', 'sender'], message: 'Enter the address messages come from, e.g. office@school.example.' });
    }
    if (e.replyTo && !isEmailAddress(e.replyTo)) ctx.addIssue({ code: 'custom', path: ['email', 'replyTo'], message: 'Enter one e-mail address, or leave this empty.' });
    if (e.sender && !isEmailAddress(e.sender) && !e.enabled) ctx.addIssue({ code: 'custom', path: ['email', 'sender'], message: 'Enter one e-mail address, or leave this empty.' });
    if (m.webhook.enabled || m.webhook.address) {
      const p = m.webhook.address ? webhookUrlProblem(m.webhook.address) : m.webhook.enabled ? 'Enter the address the school’s service gave you.' : null;
      if (p) ctx.addIssue({ code: 'custom', path: ['webhook', 'address'], message: p });
    }
  });
export type MessageSettings = z.output<typeof messageSettings>;
