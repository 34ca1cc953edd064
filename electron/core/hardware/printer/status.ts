// Printer status as a receptionist reads it. The bytes are the ESC/POS real-time answers to
// DLE EOT n (n = 1 printer, 2 offline cause, 3 error cause, 4 paper roll sensor).
import type { PrinterState, PrinterStatus } from '../../../../shared/pass';

/** The answers to DLE EOT 1…4; a missing one was not asked or not answered. */
export interface StatusBytes {
  printer?: number;
  offline?: number;
  error?: number;
  paper?: number;
}

const MESSAGES: Record<PrinterState, string | null> = {
  ok: null,
  paper_near_end: 'Paper is running low: change the roll soon.',
  paper_out: 'Out of paper: load a new roll.',
  cover_open: 'The printer cover is open: close it.',
  offline: 'The printer is not answering: check it is switched on and connected.',
  error: 'The printer reports a fault (paper jam or cutter): open it, clear it, and switch it off and on.',
  not_configured: null,
};

export function printerStatus(state: PrinterState, twoWay: boolean, detail?: string): PrinterStatus {
  const base = MESSAGES[state];
  return { state, twoWay, problem: base && detail ? `${base.replace(/\.$/, '')} (${detail}).` : base };
}

export const notConfigured: PrinterStatus = { state: 'not_configured', problem: null, twoWay: false };

/** States in which a pass sent now would not come out (or not come out whole). */
export function blocksPrinting(state: PrinterState): boolean {
  return state === 'paper_out' || state === 'cover_open' || state === 'offline' || state === 'error';
}

// Every real-time status byte has the fixed pattern 0xx1xx10: anything else is not an answer
// to our question (a print server echoing, a printer in another emulation).
const isStatusByte = (b: number | undefined): b is number => b !== undefined && (b & 0x93) === 0x12;

/** Reads the DLE EOT answers; the most pressing problem wins. */
export function statusFromBytes(bytes: StatusBytes): PrinterStatus {
  const answers = [bytes.printer, bytes.offline, bytes.error, bytes.paper].filter((b) => b !== undefined);
  if (!answers.length) return printerStatus('offline', true, 'no answer to the status check');
  if (!answers.every(isStatusByte)) return printerStatus('error', true, 'unexpected answer to the status check; is it an ESC/POS printer?');
  const offline = bytes.offline ?? 0;
  const paper = bytes.paper ?? 0;
  const error = bytes.error ?? 0;
  const printer = bytes.printer ?? 0;
  if (offline & 0x04) return printerStatus('cover_open', true);
  if (paper & 0x60 || offline & 0x20) return printerStatus('paper_out', true);
  if (offline & 0x40 || error & 0x68) return printerStatus('error', true);
  if (printer & 0x08) return printerStatus('offline', true, 'the printer says it is offline');
  if (paper & 0x0c) return printerStatus('paper_near_end', true);
  return printerStatus('ok', true);
}

/** The printer part of the kiosk status (shared/ipc/contract kioskStatus.printer). */
export function kioskPrinterStatus(s: PrinterStatus): { state: 'ok' | 'problem' | 'disabled'; problem: string | null } {
  if (s.state === 'not_configured') return { state: 'disabled', problem: null };
  // Paper running low is a note for staff, not a reason to send students to reception.
  if (s.state === 'ok' || s.state === 'paper_near_end') return { state: 'ok', problem: s.problem };
  return { state: 'problem', problem: s.problem };
}
