// Structured logs to rotating files, behind the core's Logger interface. pino formats the lines;
// the destination below writes each line synchronously (a main-process crash loses nothing
// already logged) and rotates by size, so a kiosk left alone for a year never fills its disk.
//
// What must stay true: no secret ever reaches a file (tokens, passwords, Authorization headers,
// badge codes that may be login QR codes), and at info level and above no personal data beyond
// ids (names, notes, "collected by"). Redaction is by field name and by pattern, at every depth,
// so a careless `log.info('…', { student })` still writes only the id; and by value: given the
// secret store's current values (`secrets` / useSecrets), it masks each wherever it appears.
import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { currentSecretForms, maskSecretValues, type Logger, type SecretValues } from './logger';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface FileLoggerOptions {
  /** The folder for passdesk.log and its rotated copies (passdesk.log.1 … .keep). */
  dir: string;
  level?: LogLevel;
  /** Rotate when the current file would pass this size (default 5 MiB). */
  maxBytes?: number;
  /** Rotated files kept besides the current one (default 5: at most ~30 MiB of logs). */
  keep?: number;
  baseName?: string;
  /** The secret store's current values: masked wherever they appear, whatever the field's name. */
  secrets?: SecretValues;
}

export interface FileLogger extends Logger {
  /** The file being written now. */
  readonly file: string;
  /** Every log file, newest first. */
  files(): string[];
  close(): void;
  /** Give (or replace) the source of secret values, once the secret store is open. */
  useSecrets(source: SecretValues): void;
}

/** Where the kiosk keeps its logs: <data dir>/logs. */
export function logDirOf(dataDir: string): string {
  return path.join(dataDir, 'logs');
}

const DEFAULT_MAX_BYTES = 5 * 1024 * 1024;
const DEFAULT_KEEP = 5;

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const level = options.level ?? 'info';
  const dest = new RotatingFile(options.dir, options.baseName ?? 'passdesk.log', options.maxBytes ?? DEFAULT_MAX_BYTES, options.keep ?? DEFAULT_KEEP);
  const p = pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    dest,
  );
  let secrets = options.secrets;
  const write = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(lvl)) return;
    const personalAllowed = lvl === 'debug';
    const forms = currentSecretForms(secrets);
    p[lvl](fields ? (scrub(fields, personalAllowed, 0, forms) as Record<string, unknown>) : {}, scrubText(msg, forms));
  };
  return {
    file: dest.file,
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    files: () => logFiles(options.dir, options.baseName),
    close: () => dest.close(),
    useSecrets: (source) => {
      secrets = source;
    },
  };
}

/** Log files in a folder, newest first (passdesk.log, passdesk.log.1, …). */
export function logFiles(dir: string, baseName = 'passdesk.log'): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const rank = (n: string) => (n === baseName ? 0 : Number(n.slice(baseName.length + 1)));
  return names
    .filter((n) => n === baseName || new RegExp(`^${baseName.replace(/\./g, '\\.')}\\.\\d+$`).test(n))
    .sort((a, b) => rank(a) - rank(b))
    .map((n) => path.join(dir, n));
}

/** Send every line to several loggers (the file and, in development, stderr). */
export function teeLogger(...loggers: Logger[]): Logger {
  const each = (lvl: LogLevel) => (msg: string, fields?: Record<string, unknown>) => loggers.forEach((l) => l[lvl](msg, fields));
  return { debug: each('debug'), info: each('info'), warn: each('warn'), error: each('error') };
}

// ---- redaction -------------------------------------------------------------------------------

const SECRET_KEY = /token|secret|passw|authori[sz]ation|cookie|api[-_]?key|credential|private[-_]?key|^pin$|^adminPin$|^badge$|^code_?text$/i;
const PERSONAL_KEY =
  /^(forename|surname|name|displayName|first_?name|last_?name|middle_?names?|legal_?\w*|initials|note|comment|collectedBy|collected_by|email|phone|mobile|address|dob|date_?of_?birth|photo|contacts?|upn|upi)$/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi, '$1 [redacted]'],
  [/([?&](?:access_token|token|client_secret|password|key)=)[^&\s"]+/gi, '$1[redacted]'],
];

/**
 * `text` with secrets masked: the secret store's values (`secretForms`, from log.ts's
 * secretForms) wherever they appear, then the patterns (Bearer …, ?token=…).
 */
export function scrubText(text: string, secretForms: readonly string[] = []): string {
  return SECRET_TEXT.reduce((t, [re, to]) => t.replace(re, to), maskSecretValues(text, secretForms));
}

/** A copy of `value` with secrets (always) and personal data (unless allowed) replaced. */
export function scrub(value: unknown, personalAllowed = false, depth = 0, secretForms: readonly string[] = []): unknown {
  if (typeof value === 'string') return scrubText(value, secretForms);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    return { name: value.name, message: scrubText(value.message, secretForms), ...((value as { code?: unknown }).code ? { code: (value as { code?: unknown }).code } : {}) };
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, personalAllowed, depth + 1, secretForms));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A key can carry a secret too (a map keyed by token): mask it like any string.
    const key = maskSecretValues(k, secretForms);
    if (SECRET_KEY.test(k)) out[key] = v === null || v === undefined ? v : '[redacted]';
    else if (!personalAllowed && PERSONAL_KEY.test(k)) out[key] = v === null || v === undefined ? v : '[personal]';
    else out[key] = scrub(v, personalAllowed, depth + 1, secretForms);
  }
  return out;
}

// ---- the rotating destination ------------------------------------------------------------------

/** A pino destination: every line written with writeSync, files shifted when one is full. */
class RotatingFile {
  readonly file: string;
  private fd: number | null;
  private size: number;

  constructor(
    private readonly dir: string,
    baseName: string,
    private readonly maxBytes: number,
    private readonly keep: number,
  ) {
    fs.mkdirSync(dir, { recursive: true });
    this.file = path.join(dir, baseName);
    this.fd = fs.openSync(this.file, 'a', 0o640);
    this.size = fs.fstatSync(this.fd).size;
  }

  write(line: string): boolean {
    if (this.fd === null) return false;
    const bytes = Buffer.byteLength(line);
    if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
    try {
      fs.writeSync(this.fd!, line);
      this.size += bytes;
    } catch {
      // A full disk must not take the kiosk down with it; the doctor reports the disk.
    }
    return true;
  }

  close(): void {
    if (this.fd === null) return;
    fs.closeSync(this.fd);
    this.fd = null;
  }

  private rotate(): void {
    // Windows cannot rename an open file: close, shift .4 → .5 … current → .1, reopen.
    fs.closeSync(this.fd!);
    for (let i = this.keep; i >= 1; i--) {
      const from = i === 1 ? this.file : `${this.file}.${i - 1}`;
      try {
        fs.renameSync(from, `${this.file}.${i}`);
      } catch {
        // Not there yet: a young kiosk has fewer files than `keep`.
      }
    }
    this.fd = fs.openSync(this.file, 'a', 0o640);
    this.size = 0;
  }
}
