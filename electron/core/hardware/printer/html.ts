// The pass as a small HTML page, for printers that only have an OS driver (the 'os' transport:
// electron/main/print-os.ts prints it with webContents.print). Same lines as the paper and the
// preview. No QR image here (no generator in the tree): the event id is printed large instead.
import type { PaperWidth, PassLine } from '../../../../shared/pass';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Printable width on the roll: thermal heads leave about 4 mm either side. */
export const printableMm = (paper: PaperWidth) => (paper === 58 ? 48 : 72);

export function passHtml(lines: PassLine[], paper: PaperWidth, columns: number): string {
  // A monospace character is ~0.6 em wide: size the font so `columns` characters fill the line.
  const fontMm = (printableMm(paper) / (columns * 0.6)).toFixed(2);
  const body = lines
    .map((l) => {
      switch (l.kind) {
        case 'text':
          return `<div class="t ${l.align}${l.bold ? ' b' : ''}${l.size === 2 ? ' big' : ''}">${esc(l.text)}</div>`;
        case 'rule':
          return '<hr>';
        case 'feed':
          return '<div class="t">&nbsp;</div>';
        case 'code':
          return `<div class="code">${esc(l.data)}</div>`;
      }
    })
    .join('\n');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Pass</title><style>
@page { size: ${paper}mm auto; margin: 0 }
html, body { margin: 0; padding: 0 }
body { width: ${printableMm(paper)}mm; margin: 2mm auto; font: ${fontMm}mm/1.25 "DejaVu Sans Mono", Consolas, monospace; color: #000 }
.t { white-space: pre; overflow: hidden }
.center { text-align: center } .right { text-align: right } .b { font-weight: bold }
.big { font-size: 200% }
hr { border: 0; border-top: 0.3mm solid #000; margin: 1mm 0 }
.code { margin: 2mm auto; padding: 2mm; border: 0.4mm solid #000; text-align: center; font-weight: bold; word-break: break-all }
</style></head><body>
${body}
</body></html>`;
}

/** A page tall enough for the lines, so the driver does not fall back to A4 (hardware.md). */
export function passHeightMicrons(lines: PassLine[], paper: PaperWidth, columns: number): number {
  const lineMm = (printableMm(paper) / (columns * 0.6)) * 1.25;
  const mm = lines.reduce((sum, l) => {
    if (l.kind === 'text') return sum + lineMm * l.size;
    if (l.kind === 'code') return sum + lineMm * 4 + 8;
    if (l.kind === 'rule') return sum + 2.5;
    return sum + lineMm;
  }, 10);
  return Math.ceil(mm) * 1000;
}
