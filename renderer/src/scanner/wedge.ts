// Keyboard-wedge scanning: a USB scanner "types" the badge followed by Enter, a few ms per key.
// This module tells such a burst apart from a person at a keyboard, by timing alone. It is pure
// (no DOM, no timers): the caller feeds it every keydown with the event's own timestamp, and
// calls quiet() once the keys have stopped for `quietMs()` (for scanners that send no Enter).
//
// What must stay true:
// - The scanner's Enter never reaches the page (it would click whatever button has focus), and
//   neither do the burst's characters.
// - Slow typing is never a scan, however long, and whatever follows it.
// - A lone Enter or Space from a person (nothing typed before it) still works on a focused button.

export interface WedgeSettings {
  /** Characters the scanner is set to send before the badge ('' when none). */
  prefix: string;
  /** Characters the scanner is set to send after the badge, before any Enter ('' when none). */
  suffix: string;
  /** The average gap between a scanner's keys is at most this; people are slower. */
  maxKeyGapMs: number;
  /** Shorter bursts (badge text without prefix/suffix) are noise, not badges. */
  minLength: number;
}

export interface WedgeKeyOutcome {
  /** The page must not see this key: call preventDefault and stopPropagation. */
  swallow: boolean;
  /** A complete scan, as the scanner sent it (prefix and suffix included; the core strips them). */
  scan?: string;
  /** Enter ended keys that were typed too slowly or too few: they were dropped. */
  dropped?: 'too_slow' | 'too_short';
}

interface Stroke {
  ch: string;
  at: number;
}

const TERMINATORS = new Set(['Enter']);

/** An Enter this soon after any typed character ends that typing: it never clicks a button. */
const ENTER_AFTER_TYPING_MS = 1000;

/** A pause this long between two keys starts a new burst: nothing before it belongs to the scan. */
export function burstBreakMs(s: WedgeSettings): number {
  return Math.max(4 * s.maxKeyGapMs, 100);
}

export class WedgeDetector {
  private strokes: Stroke[] = [];
  private lastCharAt = Number.NEGATIVE_INFINITY;

  constructor(private settings: WedgeSettings) {}

  configure(settings: WedgeSettings): void {
    this.settings = settings;
    this.strokes = [];
  }

  /** How long after the last key `quiet()` should be called. */
  quietMs(): number {
    return burstBreakMs(this.settings);
  }

  /** True while keys are being collected (a caller may show nothing, but must not act on them). */
  get collecting(): boolean {
    return this.strokes.length > 0;
  }

  reset(): void {
    this.strokes = [];
    this.lastCharAt = Number.NEGATIVE_INFINITY;
  }

  /**
   * Feed one keydown: `key` is KeyboardEvent.key, `at` its timeStamp in ms. Modifier keys,
   * arrows, Tab and Escape pass through untouched and do not break a burst (a scanner sends
   * Shift around capitals).
   */
  key(key: string, at: number): WedgeKeyOutcome {
    const last = this.strokes[this.strokes.length - 1];
    if (last && at - last.at > burstBreakMs(this.settings)) this.strokes = [];

    if (TERMINATORS.has(key)) {
      if (this.strokes.length > 0) return this.finish(at);
      // Slow typing followed by Enter: not a scan, and not a button press either.
      if (at - this.lastCharAt <= ENTER_AFTER_TYPING_MS) return { swallow: true, dropped: 'too_slow' };
      return { swallow: false };
    }
    if ([...key].length !== 1) return { swallow: false };

    // A person pressing Space on a focused button: let it through, it is not part of a badge.
    if (key === ' ' && this.strokes.length === 0) return { swallow: false };

    this.strokes.push({ ch: key, at });
    this.lastCharAt = at;

    // Scanners set up with a suffix and no Enter: the suffix ends the scan at once.
    const { suffix } = this.settings;
    if (suffix && this.text().endsWith(suffix) && this.text().length > suffix.length) {
      const verdict = this.evaluate(at);
      if (verdict.scan) {
        this.strokes = [];
        return { swallow: true, scan: verdict.scan };
      }
    }
    return { swallow: true };
  }

  /**
   * The keys stopped for quietMs(): a fast burst long enough is a scan from a scanner that sends
   * no Enter; anything else is dropped.
   */
  quiet(): string | null {
    if (this.strokes.length === 0) return null;
    const lastAt = this.strokes[this.strokes.length - 1]!.at;
    const verdict = this.evaluate(lastAt);
    this.strokes = [];
    return verdict.scan ?? null;
  }

  private finish(at: number): WedgeKeyOutcome {
    const verdict = this.evaluate(at);
    this.strokes = [];
    return verdict.scan ? { swallow: true, scan: verdict.scan } : { swallow: true, dropped: verdict.dropped };
  }

  private text(): string {
    return this.strokes.map((s) => s.ch).join('');
  }

  /** The badge text the core will see once prefix and suffix are stripped. */
  private payload(raw: string): string | null {
    const { prefix, suffix } = this.settings;
    let body = raw;
    if (prefix) {
      // With a prefix configured, a burst without it is not from our scanner.
      if (!body.startsWith(prefix)) return null;
      body = body.slice(prefix.length);
    }
    if (suffix && body.endsWith(suffix)) body = body.slice(0, -suffix.length);
    return body;
  }

  private evaluate(endAt: number): { scan?: string; dropped?: 'too_slow' | 'too_short' } {
    const raw = this.text();
    const body = this.payload(raw);
    if (body === null || body.trim().length < this.settings.minLength) return { dropped: 'too_short' };
    // Average gap over the whole burst, the terminator included: one slow key from a busy
    // USB hub does not spoil a scan, a person typing never gets near.
    const first = this.strokes[0]!.at;
    const gaps = this.strokes.length - 1 + (endAt > this.strokes[this.strokes.length - 1]!.at ? 1 : 0);
    const average = gaps > 0 ? (endAt - first) / gaps : 0;
    if (average > this.settings.maxKeyGapMs) return { dropped: 'too_slow' };
    return { scan: raw };
  }
}
