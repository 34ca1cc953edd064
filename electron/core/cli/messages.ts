// Issue 17: `kiosk messages [--json]`, the message log as Settings → Messages shows it (like
// `kiosk outbox` for the writeback queue): counts per state, then the newest messages with why
// each one waits or failed, so an admin on a remote shell sees a refused SMTP sign-in at once.
import type { KioskCore } from '../kiosk';
import { logRowView } from '../ipc/handlers/messages';

interface Output {
  json: boolean;
  out: (s: string) => void;
}

const LIMIT = 200;

export function messagesCommand(core: KioskCore, o: Output): number {
  const counts = core.messages.counts();
  const { rows, total } = core.messages.log({ state: 'all' }, 0, LIMIT);
  const view = rows.map(logRowView);
  if (o.json) {
    o.out(JSON.stringify({ counts, total, rows: view }, null, 2));
    return 0;
  }
  const lines = [
    Object.entries(counts)
      .map(([k, v]) => `${k}: ${v}`)
      .join('  '),
    ...view.map((r) => {
      const who = r.studentName ? ` ${r.studentName}` : '';
      const when = r.state === 'sent' ? ` sent ${r.sentAt}` : r.nextAttemptAt ? ` next ${r.nextAttemptAt}` : '';
      return `#${r.id} ${r.state} ${r.channel} ${r.kind}${who} → ${r.to} attempts=${r.attempts}${when}${r.reason && r.state !== 'sent' ? ` — ${r.reason}` : ''}`;
    }),
  ];
  if (total > LIMIT) lines.push(`(${total - LIMIT} older not shown; Settings → Messages has them all)`);
  o.out(lines.join('\n'));
  return 0;
}
