// Telling home (issue 17, part 3): the site admin's calls for the message outbox — the log with
// each message's state and reason, retry, and "send a test message". Every call needs the site
// admin's PIN session (the log holds parents' addresses).
import { z } from 'zod';
import { token, type CallMap } from './common';

export const messageState = z.enum(['pending', 'sending', 'sent', 'failed']);

export const messageLogRow = z.object({
  id: z.number(),
  createdAt: z.string(),
  kind: z.enum(['early_leave', 'late_arrival', 'test']),
  channel: z.enum(['email', 'webhook']),
  /** The e-mail address, or the webhook's host. */
  to: z.string(),
  toName: z.string().nullable(),
  studentName: z.string().nullable(),
  subject: z.string().nullable(),
  state: messageState,
  attempts: z.number(),
  nextAttemptAt: z.string().nullable(),
  sentAt: z.string().nullable(),
  /** Why it is waiting or failed, in words an admin can act on. */
  reason: z.string().nullable(),
  /** refused, timeout, dns, tls, auth, smtp_4xx, smtp_5xx, http_4xx, http_5xx, config, network, expired, interrupted… */
  reasonKind: z.string().nullable(),
  serverReply: z.string().nullable(),
});
export type MessageLogRow = z.infer<typeof messageLogRow>;

export const messageCalls = {
  messageLog: {
    role: 'site_admin',
    request: z.object({ token, state: z.union([messageState, z.literal('all')]).default('all'), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(200).default(50) }).strict(),
    response: z.object({ rows: z.array(messageLogRow), total: z.number(), counts: z.record(messageState, z.number()) }),
  },
  retryMessages: {
    role: 'site_admin',
    request: z.object({ token, ids: z.union([z.array(z.number().int()).max(1000), z.literal('all_failed')]) }).strict(),
    response: z.object({ retried: z.number() }),
  },
  /** Sent at once through the outbox's own path (shown in the log); not retried. */
  sendTestMessage: {
    role: 'site_admin',
    request: z.object({ token, channel: z.enum(['email', 'webhook']), to: z.string().trim().max(254).optional() }).strict(),
    response: z.object({ ok: z.boolean(), message: z.string() }),
  },
} as const satisfies CallMap;
