// The pass as it will come out of the printer, for the admin screens. It draws the very lines
// the ESC/POS renderer prints (shared/pass passLines), in a box as many characters wide as the
// roll, so the preview and the paper cannot disagree. Self-contained: props in, JSX out.
import type { CSSProperties } from 'react';
import {
  columnsFor,
  passLines,
  type PassLine,
  type PassModel,
  type PrinterSettings,
} from '../../../shared/pass';

export type PassPreviewSettings = Partial<
  Pick<PrinterSettings, 'paperWidth' | 'columns' | 'showCode' | 'showSession' | 'checkCode'>
>;

export interface PassPreviewProps {
  model: PassModel;
  settings?: PassPreviewSettings;
  /** The printer's text fold, to show exactly what prints ("Nguyen" where the printer has no ễ). */
  printable?: (text: string) => string;
}

const paper: CSSProperties = {
  display: 'inline-block',
  boxSizing: 'content-box',
  padding: '1.2em 1ch 2em',
  background: '#fff',
  color: '#111',
  fontFamily: '"DejaVu Sans Mono", Consolas, "Liberation Mono", monospace',
  fontSize: '13px',
  lineHeight: 1.3,
  boxShadow: '0 1px 4px rgba(0,0,0,0.25)',
  borderBottom: '2px dashed #999',
};

export function PassPreview({ model, settings = {}, printable }: PassPreviewProps) {
  const columns = columnsFor({ paperWidth: settings.paperWidth ?? 80, columns: settings.columns ?? null });
  const lines = passLines(model, {
    columns,
    showCode: settings.showCode ?? true,
    showSession: settings.showSession ?? true,
    checkCode: settings.checkCode ?? 'qr',
    printable,
  });
  return (
    <div className="pass-preview" style={{ ...paper, width: `${columns}ch` }} data-columns={columns}>
      {lines.map((line, i) => (
        <PreviewLine key={i} line={line} />
      ))}
    </div>
  );
}

function PreviewLine({ line }: { line: PassLine }) {
  switch (line.kind) {
    case 'text':
      return (
        <div
          className="pass-preview-text"
          style={{
            whiteSpace: 'pre',
            overflow: 'hidden',
            textAlign: line.align,
            fontWeight: line.bold ? 700 : 400,
            // A double-size character is twice as wide and tall on the paper: 2em keeps the
            // line exactly `columns / 2` characters wide here too.
            fontSize: line.size === 2 ? '2em' : undefined,
          }}
        >
          {line.text}
        </div>
      );
    case 'rule':
      return <hr style={{ border: 0, borderTop: '1px solid #111', margin: '0.45em 0' }} />;
    case 'feed':
      return <div style={{ height: '1.3em' }} aria-hidden="true" />;
    case 'code':
      return <CodeBlock symbology={line.symbology} data={line.data} />;
  }
}

// A labelled stand-in for the printed symbol: its shape and what it carries, not a scannable code.
function CodeBlock({ symbology, data }: { symbology: 'qr' | 'code128'; data: string }) {
  const name = symbology === 'qr' ? 'QR' : 'Code 128';
  const pattern =
    symbology === 'qr'
      ? 'repeating-conic-gradient(#111 0 25%, #fff 0 50%) 0 0 / 0.9em 0.9em'
      : 'repeating-linear-gradient(90deg, #111 0 2px, #fff 2px 4px, #111 4px 5px, #fff 5px 8px)';
  return (
    <div
      role="img"
      aria-label={`${name}: ${data}`}
      style={{ display: 'flex', flexDirection: 'column', alignItems: 'center', margin: '0.4em 0' }}
    >
      <div
        style={{
          width: symbology === 'qr' ? '7em' : '80%',
          height: symbology === 'qr' ? '7em' : '3.5em',
          background: pattern,
          border: '0.5em solid #fff',
          outline: '1px solid #ccc',
        }}
      />
      <div style={{ fontSize: '0.75em', color: '#555' }}>{name}</div>
    </div>
  );
}
