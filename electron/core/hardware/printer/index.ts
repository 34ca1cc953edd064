// The pass printer: ESC/POS rendering, transports (raw TCP 9100 with DLE EOT status, device
// file, CUPS raw queue, OS driver through electron/main) and the PassPrinter service.
export { PassPrinter, type PassPrinterOptions, type PrintOutcome, type OsPrint, type OsPrintJob, type KioskPrinterPort, type PassExtras, type DocumentBuilder } from './pass-printer';
export { passFromEvent } from './from-event';
export { renderPass, renderDocument, codepagesFor, printerModels, type RenderResult } from './render';
export { printableText, COMMON_CODEPAGES } from './text';
export { statusFromBytes, kioskPrinterStatus, blocksPrinting, type StatusBytes } from './status';
export { tcpTransport } from './tcp';
export { deviceTransport } from './device';
export { cupsTransport } from './cups';
export { passHtml, passHeightMicrons } from './html';
export type { PrinterTransport, SendOutcome } from './transport';
