// The wedge detector decides, from key timing alone, whether keys came from a badge scanner.
// A wrong "yes" signs the wrong student in; a wrong "no" leaves a queue of students waiting.
import { describe, expect, it } from 'vitest';
import { WedgeDetector, burstBreakMs, type WedgeSettings } from '../../renderer/src/scanner/wedge';

const defaults: WedgeSettings = { prefix: '', suffix: '', maxKeyGapMs: 35, minLength: 4 };

/** Types `text` starting at `start`, `gap` ms apart, then Enter after one more gap (unless enter=false). */
function type(d: WedgeDetector, text: string, gap: number, start = 1000, enter = true) {
  const outcomes = [...text].map((ch, i) => d.key(ch, start + i * gap));
  if (enter) outcomes.push(d.key('Enter', start + text.length * gap));
  return outcomes;
}

describe('wedge detector', () => {
  it('recognises a fast burst ended by Enter, and swallows every key of it', () => {
    const d = new WedgeDetector(defaults);
    const outcomes = type(d, '100003', 8);
    expect(outcomes.at(-1)).toEqual({ swallow: true, scan: '100003' });
    expect(outcomes.every((o) => o.swallow)).toBe(true);
  });

  it('never counts slow typing as a scan, and still keeps its Enter from clicking a button', () => {
    const d = new WedgeDetector(defaults);
    const last = type(d, '100003', 180).at(-1)!;
    expect(last.scan).toBeUndefined();
    expect(last.swallow).toBe(true);
  });

  it('drops typing that is quick but not scanner-quick (a fast typist at 60 ms a key)', () => {
    const d = new WedgeDetector(defaults);
    expect(type(d, '100003', 60).at(-1)).toEqual({ swallow: true, dropped: 'too_slow' });
  });

  it('tolerates one slow key inside a burst when the average stays fast', () => {
    const d = new WedgeDetector(defaults);
    const times = [0, 5, 10, 15, 80, 85, 90, 95, 100, 105];
    [...'1234567890'].forEach((ch, i) => d.key(ch, 1000 + times[i]!));
    expect(d.key('Enter', 1110).scan).toBe('1234567890');
  });

  it('ignores stray keys from long before the burst', () => {
    const d = new WedgeDetector(defaults);
    d.key('x', 0);
    d.key('y', 200);
    expect(type(d, '100003', 5, 5000).at(-1)!.scan).toBe('100003');
  });

  it('refuses bursts shorter than the minimum length', () => {
    const d = new WedgeDetector(defaults);
    expect(type(d, '123', 5).at(-1)).toEqual({ swallow: true, dropped: 'too_short' });
  });

  it('lets a lone Enter and a lone Space through to the focused button', () => {
    const d = new WedgeDetector(defaults);
    expect(d.key('Enter', 10)).toEqual({ swallow: false });
    expect(d.key(' ', 20)).toEqual({ swallow: false });
    expect(d.collecting).toBe(false);
  });

  it('passes modifiers, arrows and Tab through without breaking a burst', () => {
    const d = new WedgeDetector(defaults);
    expect(d.key('Shift', 1000)).toEqual({ swallow: false });
    d.key('A', 1001);
    d.key('Tab', 1002);
    d.key('B', 1004);
    d.key('1', 1008);
    d.key('2', 1012);
    expect(d.key('Enter', 1016).scan).toBe('AB12');
  });

  it('requires the configured prefix and keeps prefix and suffix for the core to strip', () => {
    const d = new WedgeDetector({ ...defaults, prefix: '%', suffix: '?' });
    expect(type(d, '100003', 5).at(-1)!.dropped).toBe('too_short');
    // The suffix ends the scan by itself, before any Enter.
    const outcomes = type(d, '%100003?', 5, 9000, false);
    expect(outcomes.at(-1)).toEqual({ swallow: true, scan: '%100003?' });
    expect(d.collecting).toBe(false);
  });

  it('counts the minimum length without prefix and suffix', () => {
    const d = new WedgeDetector({ ...defaults, prefix: '##', minLength: 5 });
    expect(type(d, '##1234', 5).at(-1)!.dropped).toBe('too_short');
    expect(type(d, '##12345', 5, 5000).at(-1)!.scan).toBe('##12345');
  });

  it('finds a scan from a scanner that sends no Enter once the keys go quiet', () => {
    const d = new WedgeDetector(defaults);
    type(d, '100003', 6, 1000, false);
    expect(d.quiet()).toBe('100003');
    type(d, '100003', 150, 5000, false);
    expect(d.quiet()).toBeNull();
  });

  it('follows the threshold from settings', () => {
    const strict = new WedgeDetector({ ...defaults, maxKeyGapMs: 10 });
    expect(type(strict, '100003', 20).at(-1)!.scan).toBeUndefined();
    const lax = new WedgeDetector({ ...defaults, maxKeyGapMs: 60 });
    expect(type(lax, '100003', 20).at(-1)!.scan).toBe('100003');
    expect(burstBreakMs({ ...defaults, maxKeyGapMs: 60 })).toBe(240);
  });

  it('recognises two scans back to back', () => {
    const d = new WedgeDetector(defaults);
    expect(type(d, '100003', 4, 1000).at(-1)!.scan).toBe('100003');
    expect(type(d, '100004', 4, 1040).at(-1)!.scan).toBe('100004');
  });
});
