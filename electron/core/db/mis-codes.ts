// The attendance codes of the connected MIS, as last fetched. Settings that name a code the MIS
// does not have are refused at that field (a late mark that can never be written is no mark).
import type { Db } from './database';
import type { SiteSettings } from '../../../shared/settings';

export interface MisCode {
  code: string;
  misCodeId: string;
  description: string | null;
  type: string | null;
}

export class MisCodeStore {
  constructor(private readonly db: Db) {}

  replace(codes: MisCode[], nowIso: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM attendance_codes').run();
      const ins = this.db.prepare('INSERT OR REPLACE INTO attendance_codes (code, mis_code_id, description, type, fetched_at) VALUES (?, ?, ?, ?, ?)');
      for (const c of codes) ins.run(c.code, c.misCodeId, c.description, c.type, nowIso);
    })();
  }

  list(): { codes: { code: string; description: string | null; type: string | null }[]; fetchedAt: string | null } {
    const rows = this.db.prepare('SELECT code, description, type, fetched_at FROM attendance_codes ORDER BY code').all() as {
      code: string;
      description: string | null;
      type: string | null;
      fetched_at: string;
    }[];
    return { codes: rows.map(({ code, description, type }) => ({ code, description, type })), fetchedAt: rows[0]?.fetched_at ?? null };
  }

  /** Every code the settings would write, checked against the MIS's list (none fetched: nothing to check). */
  unknownCodes(s: SiteSettings): { path: string; message: string }[] {
    const known = new Set(this.list().codes.map((c) => c.code));
    if (known.size === 0) return [];
    const issues: { path: string; message: string }[] = [];
    const check = (path: string, code: string | null | undefined) => {
      if (code && !known.has(code)) issues.push({ path, message: `The MIS has no code "${code}". Use one of its codes, or fetch the codes again.` });
    };
    const rules = (prefix: string, r: Partial<SiteSettings['rules']>) => {
      check(`${prefix}.lateCode`, r.lateCode);
      check(`${prefix}.unauthorisedCode`, r.unauthorisedCode);
      check(`${prefix}.leaverCode`, r.leaverCode);
      if (r.presentCodes && r.presentWriteback !== false) {
        check(`${prefix}.presentCodes.AM`, r.presentCodes.AM);
        check(`${prefix}.presentCodes.PM`, r.presentCodes.PM);
      }
      r.reasons?.forEach((reason, i) => check(`${prefix}.reasons.${i}.code`, reason.code));
    };
    rules('rules', s.rules);
    s.groups.forEach((g, i) => rules(`groups.${i}.overrides`, g.overrides));
    return issues;
  }
}
