// What a settings change changed, for the audit log: "rules.sessions.AM.lateAfter: 09:00 → 09:05"
// rather than two whole settings documents side by side.
type Flat = Map<string, string>;

function flatten(v: unknown, prefix: string, out: Flat): Flat {
  if (v !== null && typeof v === 'object' && !(Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object'))) {
    for (const [k, child] of Object.entries(v as Record<string, unknown>)) flatten(child, prefix ? `${prefix}.${k}` : k, out);
    if (Object.keys(v as object).length === 0) out.set(prefix, JSON.stringify(v));
  } else {
    out.set(prefix, JSON.stringify(v));
  }
  return out;
}

export interface Change {
  path: string;
  before: string | null;
  after: string | null;
}

/** Each leaf that differs; lists of plain values (protected codes) count as one leaf. */
export function settingsChanges(before: unknown, after: unknown): Change[] {
  const a = flatten(before, '', new Map());
  const b = flatten(after, '', new Map());
  const paths = [...new Set([...a.keys(), ...b.keys()])].sort();
  return paths.filter((p) => a.get(p) !== b.get(p)).map((p) => ({ path: p, before: a.get(p) ?? null, after: b.get(p) ?? null }));
}

/** An audit row's before/after, parsed when they are JSON. */
export function parseAuditValue(s: string | null): unknown {
  if (s === null) return null;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}
