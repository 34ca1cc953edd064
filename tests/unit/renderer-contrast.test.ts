// WCAG AA contrast for every text colour on the background it sits on, read from the kiosk's own
// stylesheet so a palette change that fails a pairing fails here. AA: 4.5:1 for body text; the
// 3:1 large-text allowance is not used even for headings, to stay readable from a metre away.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const css = fs.readFileSync(path.resolve(import.meta.dirname, '../../renderer/src/styles/kiosk.css'), 'utf8');
const vars = new Map([...css.matchAll(/--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;/g)].map((m) => [m[1]!, m[2]!]));
const colour = (c: string) => (c.startsWith('#') ? c : (vars.get(c) ?? `missing --${c}`));

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5]
    .map((i) => parseInt(hex.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

// [where, text, background]
const pairs: [string, string, string][] = [
  ['body text', 'navy', 'bg'],
  ['secondary text', 'muted', 'bg'],
  ['text on cards and keys', 'navy', 'card'],
  ['primary button', '#ffffff', 'blue'],
  ['secondary button', 'blue', 'card'],
  ['idle and top bar', '#ffffff', 'blue-deep'],
  ['idle hint', '#c9d7f5', 'blue-deep'],
  ['idle "all normal" chip', '#d5e2ff', 'blue-deep'],
  ['warning chip and notice', 'amber-ink', 'amber-bg'],
  ['problem chip and failed pass', 'red-ink', 'red-bg'],
  ['done title', 'green', 'green-soft'],
  ['done secondary text', 'muted', 'green-soft'],
  ['field placeholder', '#5a6a85', 'card'],
  ['rejected text', 'navy', '#fff7e6'],
];

describe('kiosk colours', () => {
  it('reads the palette from the stylesheet', () => {
    expect(vars.get('navy')).toMatch(/^#/);
  });

  it.each(pairs)('%s meets WCAG AA (4.5:1)', (_where, fg, bg) => {
    expect(contrast(colour(fg), colour(bg))).toBeGreaterThanOrEqual(4.5);
  });

  it('the focus ring stands out from both the light screens and the deep blue (3:1 for non-text)', () => {
    expect(contrast(colour('focus'), colour('navy'))).toBeGreaterThanOrEqual(3);
    expect(contrast(colour('focus'), colour('blue-deep'))).toBeGreaterThanOrEqual(3);
  });
});
