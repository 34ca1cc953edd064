// Pass printing: encode time (layout + code-page fold + ESC/POS bytes) and end to end over real
// TCP to the printer emulator on 127.0.0.1 (status check DLE EOT 1/2/4, send, printer closes).
// The emulator parses in the same process, so the end-to-end figure includes its work too.
// Also the encoder's own codepage('auto') on the same lines, for reference: it is why
// render.ts splits code-page runs itself (the library deep-copies a table per character).
// Target: encode median under 2 ms, so printing never holds up the next scan.
import { performance } from 'node:perf_hooks';
import ReceiptPrinterEncoder from '@point-of-sale/receipt-printer-encoder';
import { PassPrinter, renderPass } from '../../electron/core/hardware/printer';
import { layoutFor, passLines, printerSettings } from '../../shared/pass';
import { COMMON_CODEPAGES, printableText } from '../../electron/core/hardware/printer/text';
import { startPrinterEmulator } from '../fakes/printer/emulator';
import { zoePass } from '../fakes/printer/passes';
import { line, summarise } from './stats';

const ENCODES = 2_000;
const PRINTS = 300;
const names = [
  ['Zoë', 'Łukasz-Nguyễn'],
  ['Siobhán', 'Ó Súilleabháin'],
  ['Oliver', 'Smith'],
  ['王', '芳'],
  ['Дмитрий', 'Шостакович'],
] as const;
const model = (i: number) =>
  zoePass({ eventId: `3f2a9c1e-8d7b-4b1a-9f00-${String(i).padStart(12, '0')}`, forename: names[i % names.length]![0], surname: names[i % names.length]![1] });

const medians: Record<string, number> = {};
for (const paperWidth of [58, 80] as const) {
  const settings = printerSettings.parse({ paperWidth });
  for (let i = 0; i < 50; i++) renderPass(model(i), settings); // warm-up
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < ENCODES; i++) {
    const m = model(i);
    const t0 = performance.now();
    const r = renderPass(m, settings);
    times.push(performance.now() - t0);
    if (!r.ok) throw new Error(r.problem);
    bytes = r.bytes.length;
  }
  console.log(line(`encode pass ${paperWidth} mm (${bytes} bytes)`, times));
  medians[paperWidth] = summarise(times).median;
}

{
  const settings = printerSettings.parse({ paperWidth: 80 });
  const fold = printableText(COMMON_CODEPAGES);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const lines = passLines(model(i), { ...layoutFor(settings), printable: fold });
    const t0 = performance.now();
    const enc = new ReceiptPrinterEncoder({ columns: 48, codepageCandidates: COMMON_CODEPAGES }).initialize().codepage('auto');
    for (const l of lines) if (l.kind === 'text') enc.align(l.align).bold(l.bold).size(l.size, l.size).line(l.text);
    enc.encode();
    times.push(performance.now() - t0);
  }
  console.log(line("reference: encoder codepage('auto') 80 mm", times));
  console.log(`ratio auto / ours (80 mm, median): ${(summarise(times).median / medians[80]!).toFixed(1)}x`);
}

const emu = await startPrinterEmulator({ columns: 48, lifetimeMs: 60_000 });
const printer = new PassPrinter({ settings: { transport: 'tcp', host: emu.host, port: emu.port, paperWidth: 80, timeoutMs: 2000 } });
for (let i = 0; i < 20; i++) await printer.print(model(i)); // warm-up
const e2e: number[] = [];
for (let i = 0; i < PRINTS; i++) {
  const t0 = performance.now();
  const out = await printer.print(model(i));
  e2e.push(performance.now() - t0);
  if (out.status !== 'printed') throw new Error(`bench print failed: ${out.problem}`);
}
await emu.waitForReceipts(PRINTS + 20, 10_000);
console.log(line('print over TCP to emulator 80 mm (end to end)', e2e));
console.log(`passes printed ${emu.receipts.length}, all cut: ${emu.receipts.every((r) => r.cut)}`);
console.log(`share of encode in end to end (median): ${((100 * medians[80]!) / summarise(e2e).median).toFixed(0)}%`);
await emu.close();
