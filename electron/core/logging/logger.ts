// The logger every core module takes. Info level carries ids, never names or secrets.
// Issue 9 puts rotating files (pino) behind this interface; tests use `silentLogger`.
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

// ---- secrets by value ------------------------------------------------------------------------
// Redaction by field name misses a token inside an error message, a URL or a header dump.
// So every logger (and the support bundle) is also given the secret store's current values and
// masks each one wherever it appears in any string, in the forms it travels in: as is,
// URL-encoded, and escaped inside JSON text.

/** The secret store's values right now (asked at each write: a secret saved a second ago counts). */
export type SecretValues = () => readonly string[];

export const SECRET_MASK = '[secret]';

/** Shorter values are not masked: "1" or "on" would blank out half of every line. */
export const MIN_SECRET_LENGTH = 4;

/** The forms a value takes in text, longest first so that no shorter form leaves half of one. */
export function secretForms(values: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH) continue;
    forms.add(v);
    forms.add(encodeURIComponent(v));
    forms.add(JSON.stringify(v).slice(1, -1));
  }
  return [...forms].filter((f) => f.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** `text` with every occurrence of every secret form replaced by [secret]. */
export function maskSecretValues(text: string, forms: readonly string[]): string {
  let out = text;
  for (const f of forms) if (out.includes(f)) out = out.split(f).join(SECRET_MASK);
  return out;
}

/** A copy of `value` with secret values masked in every string (keys included), at any depth. */
export function maskSecretsDeep(value: unknown, forms: readonly string[], depth = 0): unknown {
  if (!forms.length) return value;
  if (typeof value === 'string') return maskSecretValues(value, forms);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return { name: value.name, message: maskSecretValues(value.message, forms) };
  if (Array.isArray(value)) return value.map((v) => maskSecretsDeep(v, forms, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [maskSecretValues(k, forms), maskSecretsDeep(v, forms, depth + 1)]));
}

/** Secret values, asked safely: a store that cannot be read masks nothing rather than stop logging. */
export function currentSecretForms(source: SecretValues | undefined): string[] {
  if (!source) return [];
  try {
    return secretForms(source());
  } catch {
    return [];
  }
}

/** Structured lines on stderr, for the CLI and development. Secret values are masked when given. */
export function stderrLogger(minLevel: 'debug' | 'info' | 'warn' | 'error' = 'info', secrets?: SecretValues): Logger {
  const order = { debug: 10, info: 20, warn: 30, error: 40 } as const;
  const write = (level: keyof typeof order) => (msg: string, fields?: Record<string, unknown>) => {
    if (order[level] < order[minLevel]) return;
    const forms = currentSecretForms(secrets);
    const line = { t: new Date().toISOString(), level, msg: maskSecretValues(msg, forms), ...(maskSecretsDeep(fields ?? {}, forms) as Record<string, unknown>) };
    process.stderr.write(JSON.stringify(line) + '\n');
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
