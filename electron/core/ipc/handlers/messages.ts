// Telling home for the site admin (shared/ipc/messages.ts): the message log, retry, a test message.
import type { messageCalls, MessageLogRow } from '../../../../shared/ipc/contract';
import type { MessageRow } from '../../db/messages';
import type { Handlers } from '../context';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function logRowView(r: MessageRow & { forename: string | null; surname: string | null }): MessageLogRow {
  return {
    id: r.id,
    createdAt: r.created_at,
    kind: r.kind,
    channel: r.channel,
    to: r.channel === 'webhook' ? hostOf(r.recipient) : r.recipient,
    toName: r.recipient_name,
    studentName: r.kind === 'test' ? null : r.forename ? `${r.forename} ${r.surname ?? ''}`.trim() : null,
    subject: r.subject,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
    sentAt: r.sent_at,
    reason: r.last_error,
    reasonKind: r.last_error_kind,
    serverReply: r.server_reply,
  };
}

export const messageHandlers: Handlers<typeof messageCalls> = {
  messageLog: ({ core }, req) => {
    const { rows, total } = core.messages.log({ state: req.state }, req.offset, req.limit);
    return { rows: rows.map(logRowView), total, counts: core.messages.counts() };
  },
  retryMessages: ({ core, role }, req) => {
    const retried = core.messages.retry(req.ids);
    core.staff.audit(role, 'messages.retry', req.ids === 'all_failed' ? 'all_failed' : req.ids.join(','), null, { retried });
    return { retried };
  },
  sendTestMessage: async ({ core, role }, req) => {
    const result = await core.messages.sendTest(req.channel, req.to);
    core.staff.audit(role, 'messages.test', req.channel, null, { ok: result.ok });
    return result;
  },
};
