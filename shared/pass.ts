// The printed pass: one small model and one layout (`passLines`) that both the ESC/POS renderer
// (electron/core/hardware/printer) and the on-screen preview (renderer PassPreview) draw, so the
// paper and the admin screen cannot disagree. Also the printer part of the site settings.
// Pure: no Node, no DOM.
import { z } from 'zod';
// No runtime import of ./settings: settings imports printerSettings from here, and a cycle
// leaves one side undefined depending on which module loads first.
import { direction, locale, sessionName, type Locale } from './primitives';
import { formatSchoolDate } from './school-time';

// ---------------------------------------------------------------------------------------------
// The model

export const passModel = z.object({
  /** The sign event's id: carried by the QR / Code 128 so a teacher can check the pass. */
  eventId: z.string().min(1).max(64),
  schoolName: z.string().max(100),
  locale: locale.default('en-GB'),
  forename: z.string().max(80),
  surname: z.string().max(80),
  year: z.number().int().nullable().default(null),
  form: z.string().max(40).nullable().default(null),
  direction,
  /** In the school's own zone, as the event stores them: "2025-03-14", "09:07". */
  localDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  localTime: z.string().regex(/^\d{2}:\d{2}$/),
  minutesLate: z.number().int().nullable().default(null),
  session: sessionName.nullable().default(null),
  /** The reason as the student picked it, without its code ("Medical appointment"). */
  reason: z.string().max(80).nullable().default(null),
  code: z.string().max(8).nullable().default(null),
  /** The comment or "collected by" the student typed. */
  note: z.string().max(200).nullable().default(null),
  /** The reason's or the group's pass message (Hero prints a message per behaviour code). */
  message: z.string().max(200).default(''),
  /** Set when staff reprint later: the pass then says so, so its time is not misread. */
  reprintedAt: z.string().regex(/^\d{2}:\d{2}$/).nullable().default(null),
});
export type PassModel = z.output<typeof passModel>;
export type PassModelInput = z.input<typeof passModel>;

// ---------------------------------------------------------------------------------------------
// Words on the pass. UK and US schools say different things; a caller with i18n strings can pass
// its own through `PassLayout.labels`.

export interface PassLabels {
  lateSignIn: string;
  signIn: string;
  signOut: string;
  reprint: string;
  /** "{n}" is replaced by the year number. */
  year: string;
  yearZero: string;
  yearBelowZero: string;
  form: string;
  time: string;
  lateBy: string;
  minutes: string;
  reason: string;
  code: string;
  session: string;
  note: string;
}

export const passLabels: Record<Locale, PassLabels> = {
  'en-GB': {
    lateSignIn: 'LATE SIGN-IN',
    signIn: 'SIGNED IN',
    signOut: 'EARLY SIGN-OUT',
    reprint: 'REPRINT',
    year: 'Year {n}',
    yearZero: 'Reception',
    yearBelowZero: 'Nursery',
    form: 'Form',
    time: 'Time',
    lateBy: 'Late by',
    minutes: 'min',
    reason: 'Reason',
    code: 'Code',
    session: 'Session',
    note: 'Note',
  },
  'en-US': {
    lateSignIn: 'TARDY PASS',
    signIn: 'SIGNED IN',
    signOut: 'EARLY DISMISSAL',
    reprint: 'REPRINT',
    year: 'Grade {n}',
    yearZero: 'Kindergarten',
    yearBelowZero: 'Pre-K',
    form: 'Homeroom',
    time: 'Time',
    lateBy: 'Tardy by',
    minutes: 'min',
    reason: 'Reason',
    code: 'Code',
    session: 'Session',
    note: 'Note',
  },
};

// ---------------------------------------------------------------------------------------------
// Printer settings (the lead adds `printer: printerSettings` to the site settings)

export const printerTransport = z.enum(['none', 'tcp', 'device', 'cups', 'os']);
export type PrinterTransportKind = z.infer<typeof printerTransport>;
export const paperWidth = z.union([z.literal(58), z.literal(80)]);
export type PaperWidth = z.infer<typeof paperWidth>;
export const checkCode = z.enum(['qr', 'code128', 'none']);
export type CheckCode = z.infer<typeof checkCode>;

export const printerSettings = z
  .strictObject({
    /** 'none' by default: a kiosk with no printer still signs students in. */
    transport: printerTransport.default('none'),
    host: z.string().trim().max(253).default(''),
    port: z.number().int().min(1).max(65535).default(9100),
    devicePath: z.string().trim().max(200).default('/dev/usb/lp0'),
    /** A CUPS queue set up as raw; passed to `lp -d`. */
    queue: z
      .string()
      .trim()
      .max(127)
      .regex(/^([A-Za-z0-9_][A-Za-z0-9_.@-]*)?$/, 'A CUPS queue name has letters, digits, - _ . @ and no spaces.')
      .default(''),
    /** The OS printer for the driver fallback ('os'); empty: the system default printer. */
    osPrinterName: z.string().trim().max(200).default(''),
    paperWidth: paperWidth.default(80),
    /** Characters per line at normal size; null: 32 on 58 mm, 48 on 80 mm (font A). */
    columns: z.number().int().min(24).max(64).nullable().default(null),
    /** A model id the encoder knows (e.g. "epson-tm-t20iii"): picks its code pages. */
    model: z.string().trim().max(40).nullable().default(null),
    /** Code pages the printer has (e.g. ["cp437","cp858","cp852"]); null: the model's, else a safe common set. */
    codepages: z.array(z.string().trim().min(1).max(24)).max(64).nullable().default(null),
    timeoutMs: z.number().int().min(500).max(60_000).default(5000),
    showCode: z.boolean().default(true),
    showSession: z.boolean().default(true),
    checkCode: checkCode.default('qr'),
    cut: z.enum(['partial', 'full', 'none']).default('partial'),
  })
  .superRefine((p, ctx) => {
    if (p.transport === 'tcp' && !p.host)
      ctx.addIssue({ code: 'custom', path: ['host'], message: 'Give the printer’s IP address or host name.' });
    if (p.transport === 'device' && !p.devicePath)
      ctx.addIssue({ code: 'custom', path: ['devicePath'], message: 'Give the printer’s device file, such as /dev/usb/lp0.' });
    if (p.transport === 'cups' && !p.queue)
      ctx.addIssue({ code: 'custom', path: ['queue'], message: 'Give the CUPS queue name (see lpstat -p).' });
  });
export type PrinterSettings = z.output<typeof printerSettings>;
export type PrinterSettingsInput = z.input<typeof printerSettings>;

export function columnsFor(p: Pick<PrinterSettings, 'columns' | 'paperWidth'>): number {
  return p.columns ?? (p.paperWidth === 58 ? 32 : 48);
}

/** What the idle screen and the admin see about the printer. */
export const printerState = z.enum(['ok', 'paper_near_end', 'paper_out', 'cover_open', 'offline', 'error', 'not_configured']);
export type PrinterState = z.infer<typeof printerState>;
export const printerStatus = z.object({
  state: printerState,
  /** For staff: "Out of paper: load a new roll." null when all is well. */
  problem: z.string().nullable(),
  /** False for one-way transports (device file, CUPS) that cannot report paper or cover. */
  twoWay: z.boolean(),
});
export type PrinterStatus = z.infer<typeof printerStatus>;

// ---------------------------------------------------------------------------------------------
// The layout

export type PassAlign = 'left' | 'center' | 'right';
export type PassLine =
  | { kind: 'text'; text: string; align: PassAlign; bold: boolean; size: 1 | 2 }
  | { kind: 'rule' }
  | { kind: 'feed' }
  | { kind: 'code'; symbology: 'qr' | 'code128'; data: string };

export interface PassLayout {
  /** Characters per line at normal size (columnsFor(settings)). */
  columns: number;
  showCode: boolean;
  showSession: boolean;
  checkCode: CheckCode;
  /** What the printer can print of a text: the ESC/POS renderer passes its code-page fold. */
  printable?: (text: string) => string;
  labels?: Partial<PassLabels>;
}

export const defaultPassLayout: PassLayout = { columns: 48, showCode: true, showSession: true, checkCode: 'qr' };

export function layoutFor(p: PrinterSettings): PassLayout {
  return { columns: columnsFor(p), showCode: p.showCode, showSession: p.showSession, checkCode: p.checkCode };
}

// Code 128 (set B) takes 11 modules a character plus start, check, stop and quiet zones; at two
// dots a module (the narrowest that scans reliably at 203 dpi) and ~12 dots a column, a long id
// does not fit the paper, so the pass falls back to QR.
export function code128Fits(data: string, columns: number): boolean {
  return (11 * data.length + 55) * 2 <= columns * 12;
}

/** Lays the pass out as lines no wider than `layout.columns` (a size-2 line holds half as many characters). */
export function passLines(model: PassModel, layout: PassLayout): PassLine[] {
  const words = { ...passLabels[model.locale], ...layout.labels };
  const fit = (s: string) => cleanText(layout.printable ? layout.printable(cleanText(s)) : s);
  const cols = Math.max(8, layout.columns);
  const out: PassLine[] = [];
  const text = (s: string, align: PassAlign, bold = false, size: 1 | 2 = 1) => {
    const width = Math.floor(cols / size);
    for (const part of wrap(fit(s), width)) out.push({ kind: 'text', text: part, align, bold, size });
  };

  if (model.schoolName.trim()) text(model.schoolName, 'center', true);
  out.push({ kind: 'rule' });
  const late = model.direction === 'sign_in' && (model.minutesLate ?? 0) > 0;
  const title = model.direction === 'sign_out' ? words.signOut : late ? words.lateSignIn : words.signIn;
  // A title too wide for double size on narrow paper stays readable at normal size.
  text(title, 'center', true, fit(title).length * 2 <= cols ? 2 : 1);
  if (model.reprintedAt) text(`${words.reprint} ${model.reprintedAt}`, 'center', true);
  out.push({ kind: 'feed' });

  text(`${model.forename} ${model.surname}`, 'left', true, 2);
  const who = [yearLabel(model.year, words), model.form ? `${words.form} ${model.form}` : null].filter(Boolean).join(' - ');
  if (who) text(who, 'left');
  out.push({ kind: 'rule' });

  const rows: [string, string][] = [[words.time, `${model.localTime}  ${formatDate(model.localDate, model.locale)}`]];
  if (late) rows.push([words.lateBy, `${model.minutesLate} ${words.minutes}`]);
  if (model.reason) rows.push([words.reason, model.reason]);
  if (layout.showCode && model.code) rows.push([words.code, model.code]);
  if (layout.showSession && model.session) rows.push([words.session, model.session]);
  if (model.note) rows.push([words.note, model.note]);
  const labelWidth = Math.min(Math.max(...rows.map(([l]) => fit(l).length)) + 2, Math.floor(cols / 2));
  for (const [label, value] of rows) {
    const valueLines = wrap(fit(value), cols - labelWidth);
    valueLines.forEach((v, i) => {
      const head = i === 0 ? fit(label).padEnd(labelWidth) : ' '.repeat(labelWidth);
      out.push({ kind: 'text', text: head + v, align: 'left', bold: false, size: 1 });
    });
  }

  if (model.message.trim()) {
    out.push({ kind: 'rule' });
    text(model.message, 'center', true);
  }
  if (layout.checkCode !== 'none') {
    out.push({ kind: 'feed' });
    const symbology = layout.checkCode === 'code128' && code128Fits(model.eventId, cols) ? 'code128' : 'qr';
    out.push({ kind: 'code', symbology, data: model.eventId });
    // The id in words too, so a teacher without a scanner can look the pass up.
    text(model.eventId, 'center');
  }
  return out;
}

export function yearLabel(year: number | null, words: Pick<PassLabels, 'year' | 'yearZero' | 'yearBelowZero'>): string | null {
  if (year === null) return null;
  if (year === 0) return words.yearZero;
  if (year < 0) return words.yearBelowZero;
  return words.year.replace('{n}', String(year));
}

/** "Fri 14 Mar" (en-GB) or "Fri, Mar 14" (en-US); the date is the school's own, so no zone shift. */
export function formatDate(localDate: string, loc: Locale): string {
  return formatSchoolDate(localDate, loc, { weekday: 'short', day: 'numeric', month: 'short' });
}

/** One line of plain text: NFC, no control characters, any run of spaces (incl. no-break) as one. */
export function cleanText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Word wrap by code points; a word longer than the line breaks after a hyphen if it can, else hard. */
export function wrap(s: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  const len = (x: string) => Array.from(x).length;
  for (const word of s.split(' ').filter(Boolean)) {
    const candidate = line ? `${line} ${word}` : word;
    if (len(candidate) <= width) {
      line = candidate;
      continue;
    }
    if (line) lines.push(line);
    line = '';
    let rest = word;
    while (len(rest) > width) {
      const chars = Array.from(rest);
      const hyphen = chars.slice(0, width).lastIndexOf('-');
      const cut = hyphen > 0 ? hyphen + 1 : width;
      lines.push(chars.slice(0, cut).join(''));
      rest = chars.slice(cut).join('');
    }
    line = rest;
  }
  if (line) lines.push(line);
  return lines.length ? lines : [];
}
