// Outbox row ids come back after a database restore or a purge: the export ledger must never take
// a new mark on a reused id for one it already exported, yet still ignore a true resend.
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { ExportLedger } from '../../electron/core/db/file-export-ledger';
import type { ExportRecord } from '../../electron/core/mis/fileexport/render';
import { tempDir } from '../helpers/core';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const mark = (over: Partial<ExportRecord>): ExportRecord => ({
  ref: 7, studentId: '5003', firstName: 'Ava', lastName: 'Smith', date: '2026-11-24', time: '09:07', period: '1',
  code: 'T', comment: '', minutesLate: 7, direction: 'sign_in', schoolId: '100', ...over,
});

describe('file export ledger', () => {
  it('stages a resend once, and a different mark on a reused outbox id again', () => {
    const d = tempDir('passdesk-ledger-');
    dirs.push(d);
    const ledger = new ExportLedger(path.join(d, 'ledger.sqlite'));
    try {
      expect(ledger.stage([mark({})], '2026-11-24T09:08:00Z')).toBe(1);
      expect(ledger.stage([mark({})], '2026-11-24T09:09:00Z')).toBe(0); // the same mark after a crash
      expect(ledger.stage([mark({ studentId: '5010', time: '10:15' })], '2026-12-01T10:16:00Z')).toBe(1); // id 7 reused after a restore
    } finally {
      ledger.close();
    }
  });
});
