// Crash safety of the message outbox: a child process sends queued e-mails to a real SMTP server
// on 127.0.0.1 and is SIGKILLed mid-send, over and over (the pattern of sync-crash.test.ts).
// Two moments, tied to the server's events, not to a clock:
// - "held": the data is in, the server has not said 250 yet. The message is not the server's
//   (RFC 5321 §4.1.1.4); the restarted worker sends it again (same Message-ID): exactly once.
// - "accepted": the server took it (250 on its way) and the worker may die before recording it.
//   This is the one window SMTP cannot close (no idempotency on the wire; RFC 1047): the message
//   is sent again after the restart, with the SAME Message-ID, so it is recognisably the same.
// Every message must arrive (none lost); a message arrives twice only where an "accepted" kill
// hit it, never more than twice, and always with its one Message-ID. The same kills against the
// webhook receiver (tests/fakes/webhook, which keeps the delivery ids it acted on, as
// docs/webhook.md asks): every message acted on exactly once.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../electron/core/db/database';
import { MessageRepository, type MessageRow } from '../../electron/core/db/messages';
import { startFakeSmtp, type FakeSmtp } from '../fakes/smtp/server';
import { startFakeReceiver, type FakeReceiver } from '../fakes/webhook/receiver';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'messages-crash-child.ts');
const MESSAGES = 24;
const KILLS = 12;

function mulberry32(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Kill = { moment: 'held' | 'accepted'; after: number } | null;

function runChild(dbFile: string, smtp: FakeSmtp, kill: Kill): Promise<{ code: number | null; signal: string | null; killedOn: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let killedOn: string | null = null;
    const stops: (() => void)[] = [];
    if (kill?.moment === 'held') {
      smtp.faults = { hold: true, times: 1, after: kill.after };
      stops.push(
        smtp.onHeld((id) => {
          killedOn = id;
          child.kill('SIGKILL');
        }),
      );
    } else {
      smtp.faults = {};
      if (kill) {
        let seen = 0;
        stops.push(
          smtp.onAccepted((id) => {
            if (seen++ === kill.after && !killedOn) {
              killedOn = id;
              child.kill('SIGKILL');
            }
          }),
        );
      }
    }
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, 'smtp', String(smtp.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const hard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(hard);
      for (const s of stops) s();
      resolve({ code, signal, killedOn, stderr });
    });
  });
}

/** A database with `n` messages queued on `channel`; returns their Message-IDs / delivery ids. */
function seed(channel: 'email' | 'webhook', n: number, recipient: (i: number) => string): { dbFile: string; ids: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'passdesk-msgcrash-'));
  dirs.push(dir);
  const dbFile = path.join(dir, 'passdesk.sqlite');
  const db = openDatabase(dbFile);
  const repo = new MessageRepository(db);
  const now = new Date().toISOString();
  const giveUp = new Date(Date.now() + 3_600_000).toISOString();
  const ids = Array.from({ length: n }, () => (channel === 'email' ? `<${randomUUID()}@oakfield.example>` : randomUUID()));
  repo.insert(
    ids.map((id, i) => ({
      eventId: `event-${i}`,
      studentId: `student-${i}`,
      kind: 'early_leave' as const,
      channel,
      recipient: recipient(i),
      recipientName: null,
      messageId: id,
      subject: `Message ${i}`,
      body: channel === 'email' ? `Body ${i}` : JSON.stringify({ id, type: 'student.signed_out_early', n: i }),
      giveUpAt: giveUp,
    })),
    now,
  );
  db.close();
  return { dbFile, ids };
}

function runWebhookChild(dbFile: string, receiver: FakeReceiver, kill: Kill): Promise<{ code: number | null; signal: string | null; killedOn: string | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    let killedOn: string | null = null;
    let seen = 0;
    // "held": the receiver never answers this request; "accepted": it acted on it and answers 200.
    if (kill?.moment === 'held') receiver.script = [...Array<number>(kill.after).fill(200), 'hang'];
    else receiver.script = [];
    const stop = receiver.onRequest((id, answer) => {
      if (!kill || killedOn) return;
      if (kill.moment === 'held' ? answer === 'hang' : seen++ === kill.after) {
        killedOn = id;
        child.kill('SIGKILL');
      }
    });
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dbFile, 'webhook', receiver.url, receiver.secret], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    const hard = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(hard);
      stop();
      receiver.script = [];
      resolve({ code, signal, killedOn, stderr });
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('message outbox crash safety', () => {
  it(`${KILLS} kills mid-send: no message lost, none doubled except in the documented window (same Message-ID)`, { timeout: 600_000 }, async () => {
    const { dbFile, ids } = seed('email', MESSAGES, (i) => `parent${i}@parents.example`);

    const smtp = await startFakeSmtp();
    try {
      const random = mulberry32(1717);
      const heldKills: string[] = [];
      const acceptedKills: string[] = [];
      for (let k = 0; k < KILLS; k++) {
        const moment = k % 2 === 0 ? 'held' : 'accepted';
        const r = await runChild(dbFile, smtp, { moment, after: Math.floor(random() * 2) });
        if (r.code === 0) break; // all sent before the kill's moment came
        expect(r.signal, r.stderr).toBe('SIGKILL');
        if (r.killedOn) (moment === 'held' ? heldKills : acceptedKills).push(r.killedOn);
      }
      const last = await runChild(dbFile, smtp, null);
      expect(last.code, last.stderr).toBe(0);

      const check = openDatabase(dbFile);
      const rows = check.prepare('SELECT * FROM message_outbox').all() as MessageRow[];
      check.close();
      expect(rows.every((r) => r.state === 'sent')).toBe(true);

      const counts = new Map<string, number>();
      for (const m of smtp.received) counts.set(m.messageId, (counts.get(m.messageId) ?? 0) + 1);
      // None lost.
      for (const id of ids) expect(counts.get(id) ?? 0, id).toBeGreaterThanOrEqual(1);
      // Nothing but ours.
      expect([...counts.keys()].every((id) => ids.includes(id))).toBe(true);
      // A message held at the kill was never the server's: it arrived exactly once (unless an
      // earlier "accepted" kill had already hit it: then that one copy came before).
      for (const id of heldKills) expect(counts.get(id), `held ${id}`).toBe(acceptedKills.includes(id) ? 2 : 1);
      // Twice only where the kill came after the server took it, and never more than twice.
      const doubled = [...counts.entries()].filter(([, n]) => n > 1);
      for (const [id, n] of doubled) {
        expect(acceptedKills).toContain(id);
        expect(n).toBe(2);
      }
      expect(heldKills.length).toBeGreaterThan(0);
      expect(acceptedKills.length).toBeGreaterThan(0);
      // For the report: how often the window was hit.
      process.stdout.write(`messages-crash: ${heldKills.length} held kills, ${acceptedKills.length} accepted kills, ${doubled.length} re-sent in the window, ${smtp.received.length} received for ${MESSAGES}\n`);
    } finally {
      await smtp.close();
    }
  });

  it(`webhook: ${KILLS} kills mid-delivery, and the receiver acts on every message exactly once`, { timeout: 600_000 }, async () => {
    const receiver = await startFakeReceiver('whsec-crash-0123456789');
    try {
      const { dbFile, ids } = seed('webhook', MESSAGES, () => receiver.url);
      const random = mulberry32(4242);
      const kills = { held: 0, accepted: 0 };
      for (let k = 0; k < KILLS; k++) {
        const moment = k % 2 === 0 ? 'held' : 'accepted';
        const r = await runWebhookChild(dbFile, receiver, { moment, after: Math.floor(random() * 2) });
        if (r.code === 0) break;
        expect(r.signal, r.stderr).toBe('SIGKILL');
        if (r.killedOn) kills[moment]++;
      }
      const last = await runWebhookChild(dbFile, receiver, null);
      expect(last.code, last.stderr).toBe(0);
      const check = openDatabase(dbFile);
      const rows = check.prepare('SELECT * FROM message_outbox').all() as MessageRow[];
      check.close();
      expect(rows.every((r) => r.state === 'sent')).toBe(true);
      // Acted on once each, whatever the kills: the delivery id is the same on every attempt.
      expect(receiver.delivered.map((d) => d.id).sort()).toEqual([...ids].sort());
      expect(receiver.requests.every((r) => r.signatureOk)).toBe(true);
      expect(kills.held).toBeGreaterThan(0);
      expect(kills.accepted).toBeGreaterThan(0);
      const repeats = receiver.requests.length - MESSAGES;
      process.stdout.write(`messages-crash (webhook): ${kills.held} held kills, ${kills.accepted} accepted kills, ${repeats} repeated requests, ${receiver.delivered.length} acted on for ${MESSAGES}\n`);
    } finally {
      await receiver.close();
    }
  });
});
