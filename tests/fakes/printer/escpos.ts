// An ESC/POS interpreter for tests: turns the bytes a printer would receive into what a person
// would read on the paper (lines of text with their styles, barcodes, QR codes, cuts). It reads
// commands byte by byte as a printer does, so it can also run on a live TCP stream and answer
// the real-time DLE EOT status requests in between.
import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder';

export type Align = 'left' | 'center' | 'right';

export interface PrintedLine {
  /** The characters as printed, including alignment padding. */
  raw: string;
  /** What a person reads: `raw` without the padding. */
  text: string;
  bold: boolean;
  underline: boolean;
  invert: boolean;
  /** Character magnification (GS !) of the first visible character. */
  width: number;
  height: number;
  align: Align;
  /** Print columns used (a double-width character takes two). */
  columns: number;
}

export type ReceiptItem =
  | ({ kind: 'line' } & PrintedLine)
  | { kind: 'barcode'; symbology: string; data: string; align: Align }
  | { kind: 'qr'; data: string; align: Align }
  | { kind: 'image' }
  | { kind: 'cut'; partial: boolean };

export interface Receipt {
  items: ReceiptItem[];
  lines: PrintedLine[];
  barcodes: { symbology: string; data: string }[];
  qrCodes: string[];
  cut: boolean;
  /** Commands this interpreter did not know, as hex, so tests notice them. */
  unknown: string[];
  /** ESC t table numbers selected while printing. */
  codeTables: number[];
  /** The paper as a person reads it: one visible line per line, trimmed. */
  text(): string;
}

/** ESC t n → code page, per Epson's table (the one generic ESC/POS printers follow). */
export const EPSON_CODE_TABLES: Record<number, Codepage> = {
  0: 'cp437', 1: 'epson/katakana', 2: 'cp850', 3: 'cp860', 4: 'cp863', 5: 'cp865', 11: 'cp851', 12: 'cp853',
  13: 'cp857', 14: 'cp737', 15: 'iso8859-7', 16: 'windows1252', 17: 'cp866', 18: 'cp852', 19: 'cp858',
  30: 'tcvn3', 31: 'tcvn3capitals', 32: 'cp720', 33: 'cp775', 34: 'cp855', 35: 'cp861', 36: 'cp862',
  37: 'cp864', 38: 'cp869', 39: 'epson/iso8859-2', 40: 'iso8859-15', 45: 'windows1250', 46: 'windows1251',
  47: 'windows1253', 48: 'windows1254', 49: 'windows1255', 50: 'windows1256', 51: 'windows1257', 52: 'windows1258',
};

const BARCODE_NAMES: Record<number, string> = {
  65: 'upca', 66: 'upce', 67: 'ean13', 68: 'ean8', 69: 'code39', 70: 'itf', 71: 'codabar', 72: 'code93', 73: 'code128',
};

/** What the interpreter needs from its host: real-time answers (DLE EOT n, GS r n). */
export interface RealTime {
  statusByte(n: number): number | null;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;

export class EscPosInterpreter {
  private buf = new Uint8Array(0);
  private receipt = newReceipt();
  private readonly done: Receipt[] = [];
  private readonly tables = new Map<Codepage, number[]>();
  private style = { bold: false, underline: false, invert: false, width: 1, height: 1, align: 'left' as Align, table: 0 };
  private line = { raw: '', columns: 0, first: null as null | { bold: boolean; underline: boolean; invert: boolean; width: number; height: number; align: Align } };
  private qrStore = '';

  /** `columns`: the paper's width in characters, to tell centred padding from an indent. */
  constructor(
    private readonly realTime: RealTime | null = null,
    private readonly columns: number | null = null,
  ) {}

  /** Feeds bytes as they arrive; returns real-time answers to send back. */
  feed(chunk: Uint8Array): number[] {
    const next = new Uint8Array(this.buf.length + chunk.length);
    next.set(this.buf);
    next.set(chunk, this.buf.length);
    this.buf = next;
    const answers: number[] = [];
    let at = 0;
    while (at < this.buf.length) {
      const used = this.step(at, answers);
      if (used === 0) break; // an incomplete command: wait for more bytes
      at += used;
    }
    this.buf = this.buf.slice(at);
    return answers;
  }

  /** Ends the job (connection closed): what was printed but not cut is a receipt too. */
  finish(): Receipt[] {
    if (this.line.raw) this.endLine();
    // Blank paper fed after the last cut is not a pass.
    if (this.receipt.items.some((i) => i.kind !== 'line' || i.text !== '')) this.done.push(this.receipt);
    this.receipt = newReceipt();
    return this.done.splice(0);
  }

  /** Receipts completed by a cut so far. */
  take(): Receipt[] {
    return this.done.splice(0);
  }

  // Returns how many bytes the command at `at` takes, or 0 if it is not complete yet.
  private step(at: number, answers: number[]): number {
    const b = this.buf;
    const left = b.length - at;
    const c = b[at]!;
    const arg = (i: number) => b[at + i]!;
    if (c === 0x0a) {
      this.endLine();
      return 1;
    }
    if (c === 0x0d || c === 0x00) return 1;
    if (c === 0x09) {
      this.put(' ');
      return 1;
    }
    if (c === DLE) {
      if (left < 3) return 0;
      if (arg(1) === 0x04) {
        const a = this.realTime?.statusByte(arg(2));
        if (a !== null && a !== undefined) answers.push(a);
        return 3;
      }
      return this.unknownCmd(at, 2);
    }
    if (c === ESC) {
      if (left < 2) return 0;
      const op = arg(1);
      switch (op) {
        case 0x40: // ESC @
          this.style = { bold: false, underline: false, invert: false, width: 1, height: 1, align: 'left', table: 0 };
          return 2;
        case 0x32: // ESC 2
          return 2;
        case 0x33: case 0x4d: case 0x21: case 0x20: case 0x52: case 0x47: case 0x56: case 0x7b: case 0x4a: // one-byte args we ignore
          if (left < 3) return 0;
          if (op === 0x4d) return 3;
          if (op === 0x21) {
            const n = arg(2);
            this.style.bold = (n & 0x08) !== 0;
            this.style.height = n & 0x10 ? 2 : 1;
            this.style.width = n & 0x20 ? 2 : 1;
          }
          return 3;
        case 0x61: // ESC a n
          if (left < 3) return 0;
          this.style.align = (['left', 'center', 'right'] as const)[arg(2) % 48] ?? 'left';
          return 3;
        case 0x45: // ESC E n
          if (left < 3) return 0;
          this.style.bold = (arg(2) & 1) === 1;
          return 3;
        case 0x2d: // ESC - n
          if (left < 3) return 0;
          this.style.underline = arg(2) % 48 !== 0;
          return 3;
        case 0x34: // ESC 4 n (italic on some models)
          return left < 3 ? 0 : 3;
        case 0x74: // ESC t n
          if (left < 3) return 0;
          this.style.table = arg(2);
          if (!this.receipt.codeTables.includes(arg(2))) this.receipt.codeTables.push(arg(2));
          return 3;
        case 0x64: // ESC d n: feed n lines
          if (left < 3) return 0;
          if (this.line.raw) this.endLine();
          for (let i = 0; i < arg(2); i++) this.endLine();
          return 3;
        case 0x70: // ESC p m t1 t2: drawer pulse
          return left < 5 ? 0 : 5;
        case 0x2a: {
          // ESC * m nL nH data: bit image
          if (left < 5) return 0;
          const n = arg(3) + arg(4) * 256;
          const len = 5 + (arg(2) >= 32 ? 3 * n : n);
          if (left < len) return 0;
          this.receipt.items.push({ kind: 'image' });
          return len;
        }
        default:
          return this.unknownCmd(at, 2);
      }
    }
    if (c === FS) {
      if (left < 2) return 0;
      if (arg(1) === 0x2e || arg(1) === 0x26) return 2; // FS . / FS &: Kanji mode off/on
      return this.unknownCmd(at, 2);
    }
    if (c === GS) {
      if (left < 2) return 0;
      const op = arg(1);
      switch (op) {
        case 0x21: // GS ! n
          if (left < 3) return 0;
          this.style.width = (arg(2) >> 4) + 1;
          this.style.height = (arg(2) & 0x0f) + 1;
          return 3;
        case 0x42: // GS B n
          if (left < 3) return 0;
          this.style.invert = (arg(2) & 1) === 1;
          return 3;
        case 0x68: case 0x77: case 0x48: case 0x66: // barcode height, width, HRI position, HRI font
          return left < 3 ? 0 : 3;
        case 0x72: // GS r n: transmit status
          if (left < 3) return 0;
          {
            const a = this.realTime?.statusByte(0x100 + arg(2));
            if (a !== null && a !== undefined) answers.push(a);
          }
          return 3;
        case 0x56: {
          // GS V m [n]
          if (left < 3) return 0;
          const m = arg(2);
          const len = m === 65 || m === 66 ? 4 : 3;
          if (left < len) return 0;
          this.cut(m === 1 || m === 49 || m === 66);
          return len;
        }
        case 0x6b:
          return this.barcode(at, left);
        case 0x28:
          return this.extended(at, left);
        case 0x76: {
          // GS v 0 m xL xH yL yH data: raster image
          if (left < 8) return 0;
          const len = 8 + (arg(4) + arg(5) * 256) * (arg(6) + arg(7) * 256);
          if (left < len) return 0;
          this.receipt.items.push({ kind: 'image' });
          return len;
        }
        case 0x50: // GS P x y: motion units
          return left < 4 ? 0 : 4;
        default:
          return this.unknownCmd(at, 2);
      }
    }
    this.put(this.decode(c));
    return 1;
  }

  private barcode(at: number, left: number): number {
    const b = this.buf;
    if (left < 3) return 0;
    const m = b[at + 2]!;
    let data: Uint8Array;
    let len: number;
    if (m >= 65) {
      if (left < 4) return 0;
      const n = b[at + 3]!;
      len = 4 + n;
      if (left < len) return 0;
      data = b.subarray(at + 4, at + len);
    } else {
      const end = b.indexOf(0, at + 3);
      if (end < 0) return 0;
      len = end - at + 1;
      data = b.subarray(at + 3, end);
    }
    let text = Buffer.from(data).toString('latin1');
    // Code 128 data starts with a code set selector: {A, {B or {C (pairs of digits as bytes).
    if (m === 73) text = decodeCode128(data);
    if (this.line.raw) this.endLine();
    const symbology = BARCODE_NAMES[m] ?? BARCODE_NAMES[m + 65] ?? `barcode-${m}`;
    this.receipt.items.push({ kind: 'barcode', symbology, data: text, align: this.style.align });
    this.receipt.barcodes.push({ symbology, data: text });
    return len;
  }

  // GS ( k pL pH cn fn …: 2D codes. Only the QR store (cn 49, fn 80) and print (fn 81) matter.
  private extended(at: number, left: number): number {
    const b = this.buf;
    if (left < 5) return 0;
    const fnGroup = b[at + 2]!;
    const len = 5 + b[at + 3]! + b[at + 4]! * 256;
    if (left < len) return 0;
    if (fnGroup !== 0x6b) {
      this.receipt.unknown.push(hex(b.subarray(at, Math.min(at + 8, at + len))));
      return len;
    }
    const cn = b[at + 5];
    const fn = b[at + 6];
    if (cn === 0x31 && fn === 0x50) this.qrStore = Buffer.from(b.subarray(at + 8, at + len)).toString('utf8');
    if (cn === 0x31 && fn === 0x51) {
      if (this.line.raw) this.endLine();
      this.receipt.items.push({ kind: 'qr', data: this.qrStore, align: this.style.align });
      this.receipt.qrCodes.push(this.qrStore);
    }
    return len;
  }

  private unknownCmd(at: number, len: number): number {
    this.receipt.unknown.push(hex(this.buf.subarray(at, at + len)));
    return len;
  }

  private decode(byte: number): string {
    if (byte < 0x80) return String.fromCharCode(byte);
    const cp = EPSON_CODE_TABLES[this.style.table];
    if (!cp) return '\uFFFD';
    let table = this.tables.get(cp);
    if (!table) {
      table = CodepageEncoder.getCodepoints(cp, true);
      this.tables.set(cp, table);
    }
    const point = table[byte];
    return point ? String.fromCodePoint(point) : '\uFFFD';
  }

  private put(ch: string) {
    if (ch !== ' ' && !this.line.first) {
      const { bold, underline, invert, width, height, align } = this.style;
      this.line.first = { bold, underline, invert, width, height, align };
    }
    this.line.raw += ch;
    this.line.columns += this.style.width;
  }

  private endLine() {
    const s = this.line.first ?? { bold: false, underline: false, invert: false, width: 1, height: 1, align: this.style.align };
    const raw = this.line.raw;
    // The encoder centres and right-aligns with spaces: leading space that balances the room
    // left on the right is centring, not an indent.
    const leading = raw.length - raw.trimStart().length;
    let align: Align = s.align;
    if (align === 'left' && leading > 0 && this.columns) {
      const content = this.line.columns - leading - (raw.length - raw.trimEnd().length);
      const room = this.columns - content;
      if (room === leading) align = 'right';
      else if (Math.abs(room - 2 * leading) <= 1) align = 'center';
    }
    const line: PrintedLine = { raw, text: raw.trim(), ...s, align, columns: this.line.columns };
    this.receipt.items.push({ kind: 'line', ...line });
    this.receipt.lines.push(line);
    this.line = { raw: '', columns: 0, first: null };
  }

  private cut(partial: boolean) {
    if (this.line.raw) this.endLine();
    this.receipt.items.push({ kind: 'cut', partial });
    this.receipt.cut = true;
    this.done.push(this.receipt);
    this.receipt = newReceipt();
  }
}

function newReceipt(): Receipt {
  const r: Receipt = {
    items: [],
    lines: [],
    barcodes: [],
    qrCodes: [],
    cut: false,
    unknown: [],
    codeTables: [],
    text() {
      return r.lines
        .map((l) => l.text)
        .join('\n')
        .replace(/^\n+|\n+$/g, '');
    },
  };
  return r;
}

function decodeCode128(data: Uint8Array): string {
  let out = '';
  let set: 'A' | 'B' | 'C' = 'B';
  for (let i = 0; i < data.length; i++) {
    const c = data[i]!;
    if (c === 0x7b && i + 1 < data.length) {
      const sel = String.fromCharCode(data[i + 1]!);
      if (sel === 'A' || sel === 'B' || sel === 'C') {
        set = sel;
        i++;
        continue;
      }
      if (sel === '{') {
        out += '{';
        i++;
        continue;
      }
    }
    out += set === 'C' ? String(c).padStart(2, '0') : String.fromCharCode(c);
  }
  return out;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Interprets a whole job (a device file, an `lp` stdin) at once. */
export function parseEscPos(bytes: Uint8Array, columns: number | null = null): Receipt[] {
  const p = new EscPosInterpreter(null, columns);
  p.feed(bytes);
  return p.finish();
}
