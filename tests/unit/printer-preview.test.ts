// The admin preview shows what the paper shows: same lines, same order, same width.
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { renderPass, printableText, COMMON_CODEPAGES } from '../../electron/core/hardware/printer';
import { printerSettings } from '../../shared/pass';
import { parseEscPos } from '../fakes/printer/escpos';
import type { PassModel } from '../../shared/pass';
import { zoePass } from '../fakes/printer/passes';

// Imported by a computed path: the Node typecheck (tsconfig.node.json) has no JSX, and the web
// typecheck covers the component itself.
const previewPath = '../../renderer/src/components/PassPreview';
const { PassPreview } = (await import(/* @vite-ignore */ previewPath)) as {
  PassPreview: FunctionComponent<{ model: PassModel; settings?: { paperWidth?: 58 | 80 }; printable?: (s: string) => string }>;
};

const zoe = zoePass();

const decode = (s: string) => s.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#x27;/g, "'").replace(/&quot;/g, '"');

describe('PassPreview', () => {
  it.each([58, 80] as const)('reads line for line like the %i mm paper', (paperWidth) => {
    const html = renderToStaticMarkup(createElement(PassPreview, { model: zoe, settings: { paperWidth }, printable: printableText(COMMON_CODEPAGES) }));
    const shown = [...html.matchAll(/class="pass-preview-text"[^>]*>([^<]*)</g)].map((m) => decode(m[1]!));
    const r = renderPass(zoe, printerSettings.parse({ paperWidth }));
    if (!r.ok) throw new Error(r.problem);
    const printed = parseEscPos(r.bytes)[0]!.lines.map((l) => l.text).filter((t) => t && !/^─+$/.test(t));
    expect(shown).toEqual(printed);
    expect(html).toContain(`width:${paperWidth === 58 ? 32 : 48}ch`);
    expect(html).toContain(`aria-label="QR: ${zoe.eventId}"`);
  });

  it('shows the name as written when no printer fold is given', () => {
    const html = renderToStaticMarkup(createElement(PassPreview, { model: zoe }));
    expect(html).toContain('Zoë Łukasz-Nguyễn');
  });
});
