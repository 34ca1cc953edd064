// Pass → ESC/POS bytes with @point-of-sale/receipt-printer-encoder. The layout comes from
// shared/pass.ts (passLines), the very lines the admin preview shows; this file only decides
// how each line is spoken to the printer and which code pages it may use.
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder';
import { columnsFor, layoutFor, passLines, type PassLine, type PassModel, type PrinterSettings } from '../../../../shared/pass';
import { COMMON_CODEPAGES, codepageRuns, isKnownCodepage, printableText } from './text';

type EncoderOptions = ConstructorParameters<typeof ReceiptPrinterEncoder>[0] & object;
type PrinterModelId = NonNullable<EncoderOptions['printerModel']>;

export type RenderResult =
  | { ok: true; bytes: Uint8Array; lines: PassLine[]; codepages: Codepage[] }
  | { ok: false; problem: string };

export const printerModels: readonly { id: string; name: string }[] = ReceiptPrinterEncoder.printerModels;

function isPrinterModel(id: string): id is PrinterModelId {
  return printerModels.some((m) => m.id === id);
}

const codepageCache = new Map<string, Codepage[]>();

/**
 * The code pages this printer may be switched to. A listed set is checked against the model's
 * ESC t table (an unknown page would make the encoder send a bogus ESC t); with a model and no
 * list, every page of the model; otherwise the common set every Epson-compatible printer has.
 */
export function codepagesFor(settings: Pick<PrinterSettings, 'model' | 'codepages'>): Codepage[] | string {
  const key = `${settings.model ?? ''}|${settings.codepages?.join(',') ?? '*'}`;
  const cached = codepageCache.get(key);
  if (cached) return cached;
  if (settings.model && !isPrinterModel(settings.model))
    return `The printer model “${settings.model}” is not one Passdesk knows. Pick one from the list, or leave it empty for a generic ESC/POS printer.`;
  const unknown = settings.codepages?.filter((c) => !isKnownCodepage(c)) ?? [];
  if (unknown.length) return `Unknown code page ${unknown.join(', ')}. Use names such as cp437, cp858, cp852, cp866.`;
  const wanted: Codepage[] = settings.codepages
    ? (settings.codepages as Codepage[])
    : settings.model
      ? CodepageEncoder.getEncodings()
      : COMMON_CODEPAGES;
  const probe = new ReceiptPrinterEncoder(settings.model ? { printerModel: settings.model as PrinterModelId } : {});
  const usable = wanted.filter((cp) => {
    try {
      probe.codepage(cp);
      return true;
    } catch {
      return false;
    }
  });
  if (!usable.length) return 'None of the listed code pages exists on this printer model.';
  codepageCache.set(key, usable);
  return usable;
}

/** Renders a pass for this printer. Returns a problem (never throws) when the settings cannot work. */
export function renderPass(model: PassModel, settings: PrinterSettings): RenderResult {
  return renderDocument((fit) => passLines(model, { ...layoutFor(settings), printable: fit.printable }), settings);
}

/**
 * Any document in the pass's line model (issue 17: the roll call) → ESC/POS bytes for this
 * printer: `build` gets the paper's columns and the code-page fold, and lays its lines out.
 */
export function renderDocument(build: (fit: { columns: number; printable: (text: string) => string }) => PassLine[], settings: PrinterSettings): RenderResult {
  const codepages = codepagesFor(settings);
  if (typeof codepages === 'string') return { ok: false, problem: codepages };
  const columns = columnsFor(settings);
  const lines = build({ columns, printable: printableText(codepages) });
  try {
    return { ok: true, bytes: encodeLines(lines, settings, codepages), lines, codepages };
  } catch (e) {
    // The encoder throws on impossible input (e.g. a barcode it cannot encode): a bug or a bad
    // setting, but still only "the pass did not print".
    return { ok: false, problem: `The pass could not be laid out for this printer (${(e as Error).message}).` };
  }

  function encodeLines(all: PassLine[], s: PrinterSettings, cps: Codepage[]): Uint8Array {
    const enc = new ReceiptPrinterEncoder({
      ...(s.model ? { printerModel: s.model as PrinterModelId } : {}),
      columns,
      codepageCandidates: cps,
      // Clear the cutter: the blade sits a few lines above the print head.
      feedBeforeCut: 4,
    });
    enc.initialize();
    for (const line of all) {
      switch (line.kind) {
        case 'text':
          enc.align(line.align).bold(line.bold).size(line.size, line.size);
          for (const run of codepageRuns(line.text, cps)) enc.codepage(run.codepage).text(run.text);
          enc.newline().size(1, 1).bold(false).align('left');
          break;
        case 'rule':
          enc.rule({ style: 'single' });
          break;
        case 'feed':
          enc.newline();
          break;
        case 'code':
          enc.align('center');
          if (line.symbology === 'code128') enc.barcode(line.data, 'code128', { height: 60, width: 1, text: 'none' });
          else enc.qrcode(line.data, { model: 2, size: s.paperWidth === 58 ? 5 : 6, errorlevel: 'm' });
          enc.align('left');
          break;
      }
    }
    if (s.cut === 'none') enc.newline(4);
    else enc.cut(s.cut);
    return enc.encode();
  }
}
