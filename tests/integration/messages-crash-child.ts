// Child process for the message crash test: the real outbox worker (MessageService, nodemailer)
// sends the queued messages to the parent's SMTP server until none is left, then exits 0. The
// parent SIGKILLs it mid-send, over and over.
import { systemClock } from '../../electron/core/clock';
import { openDatabase } from '../../electron/core/db/database';
import { MessageRepository } from '../../electron/core/db/messages';
import { silentLogger } from '../../electron/core/logging/logger';
import { memorySecretStore } from '../../electron/core/security/secrets';
import { MessageService } from '../../electron/core/messages/service';
import { defaultSettings } from '../../shared/defaults';
import { siteSettings } from '../../shared/settings';

// argv: db file, then `smtp <port>` or `webhook <url> <secret>`.
const [dbFile, channel, target, secret] = process.argv.slice(2);
const db = openDatabase(dbFile!);
const repo = new MessageRepository(db);
const settings = siteSettings.parse({
  ...defaultSettings,
  messages:
    channel === 'webhook'
      ? { enabled: true, webhook: { enabled: true, address: target } }
      : { enabled: true, email: { enabled: true, server: '127.0.0.1', port: Number(target), security: 'none', sender: 'office@oakfield.example' } },
});
const service = new MessageService({
  repo,
  settings: () => settings,
  student: () => null,
  event: () => null,
  collectedBy: () => null,
  contacts: () => [],
  today: () => '2026-11-24',
  clock: systemClock,
  logger: silentLogger,
  secrets: memorySecretStore(secret ? { 'messages.webhookSecret': secret } : {}),
  webhookTimeoutMs: 5_000,
  mailTimeouts: { connectionMs: 2_000, greetingMs: 2_000, socketMs: 5_000 },
  backoff: { baseMs: 10, capMs: 50 },
  intervalMs: 50,
});
service.start();
process.stdout.write('READY\n');
const watchdog = setTimeout(() => process.exit(3), 60_000);
const timer = setInterval(() => {
  const c = repo.counts();
  if (c.pending === 0 && c.sending === 0) {
    clearInterval(timer);
    clearTimeout(watchdog);
    void service.stop().then(() => {
      db.close();
      process.exit(c.failed === 0 ? 0 : 4);
    });
  }
}, 20);
