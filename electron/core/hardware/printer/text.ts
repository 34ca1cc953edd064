// What a thermal printer can print of a name. A printer holds a handful of 8-bit code pages;
// the encoder switches between them per character (ESC t), so "Zoë Łukasz" prints as written
// when cp437 and cp852 are both on board. Anything no code page holds is transliterated
// (Nguyễn → Nguyen, 王芳 → Wang Fang, Дмитрий → Dmitriy on a printer without cp866), never
// printed as "?" or as the wrong glyph.
import CodepageEncoder, { type Codepage } from '@point-of-sale/codepage-encoder';
import anyAscii from 'any-ascii';

/**
 * Code pages nearly every ESC/POS printer (Epson and the common clones) has at the same ESC t
 * numbers: US, Western Europe with €, Central Europe (ł, ő, č), Cyrillic. A site whose printer
 * has more names its model or lists its code pages in the printer settings.
 */
export const COMMON_CODEPAGES: Codepage[] = ['cp437', 'cp858', 'cp852', 'cp866'];

export function isKnownCodepage(name: string): name is Codepage {
  return CodepageEncoder.supports(name);
}

const pageCache = new Map<Codepage, Set<number>>();

/** The characters one code page can print. Bytes below 0x20 are control codes whatever the table says. */
function pageSet(cp: Codepage): Set<number> {
  let set = pageCache.get(cp);
  if (!set) {
    const chars = new Set<number>();
    CodepageEncoder.getCodepoints(cp, true).forEach((codepoint, byte) => {
      if (byte >= 0x20 && byte !== 0x7f && codepoint) chars.add(codepoint);
    });
    pageCache.set(cp, chars);
    set = chars;
  }
  return set;
}

function printableSet(codepages: readonly Codepage[]): Set<number> {
  const set = new Set<number>();
  for (const cp of codepages) for (const c of pageSet(cp)) set.add(c);
  return set;
}

/**
 * Splits printable text into runs of one code page each, staying in the current page while it
 * has the next character (fewer ESC t switches). The encoder's own 'auto' mode does the same but
 * deep-copies a code page table per character (~1 ms a line); this keeps a pass under a millisecond.
 */
export function codepageRuns(text: string, codepages: readonly Codepage[]): { codepage: Codepage; text: string }[] {
  const runs: { codepage: Codepage; text: string }[] = [];
  let current: { codepage: Codepage; text: string } | null = null;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (current && pageSet(current.codepage).has(cp)) {
      current.text += ch;
      continue;
    }
    // A character no page has was folded away by printableText; '?' is a last resort only.
    const page = codepages.find((p) => pageSet(p).has(cp)) ?? codepages[0]!;
    current = { codepage: page, text: pageSet(page).has(cp) ? ch : '?' };
    runs.push(current);
  }
  return runs;
}

/** A function that keeps what the code pages can print and transliterates the rest. */
export function printableText(codepages: readonly Codepage[]): (text: string) => string {
  const can = printableSet(codepages);
  const printable = (ch: string) => can.has(ch.codePointAt(0)!);
  return (text: string) =>
    text.normalize('NFC').replace(WORD, (word) => {
      if (Array.from(word).every(printable)) return word;
      // cp437 carries α, δ, ε as maths signs: a Greek or Cyrillic name the code pages cannot
      // print whole is transliterated whole, never printed half in one script, half in another.
      if (!LATIN_WORD.test(word)) return transliterateWord(word);
      // In a Latin name each letter stands alone: keep Ł, fold ễ.
      let out = '';
      for (const ch of word) out += printable(ch) ? ch : (foldAccents(ch, can) ?? anyAscii(ch));
      return out;
    });
}

// A word: letters with their marks, and anything else taken one character at a time.
const WORD = /[\p{L}\p{M}]+|[^\p{L}\p{M}]/gu;
const LATIN_WORD = /^[\p{Script=Latin}\p{M}]+$/u;
// Scripts written without spaces between syllables: one transliterated syllable per character,
// so "王芳" needs a space between "Wang" and "Fang" to read as a name.
const SYLLABIC = /^[\p{Script=Han}\p{Script=Hangul}]$/u;
const PICTOGRAPH = /^\p{Extended_Pictographic}$/u;

function transliterateWord(word: string): string {
  let out = '';
  let lastSyllabic = false;
  for (const ch of word) {
    const syllabic = SYLLABIC.test(ch);
    // An emoji has no sensible spelling on a pass (any-ascii would print ":grinning:").
    const folded = PICTOGRAPH.test(ch) ? '' : anyAscii(ch);
    if (syllabic && lastSyllabic && folded) out += ' ';
    out += folded;
    lastSyllabic = syllabic;
  }
  return out;
}

/**
 * "ễ" is e + circumflex + tilde: a Vietnamese reader prefers plain "e" to a different accent, so
 * only strip all marks (never keep some of them) and only when the bare letter is printable.
 * Letters with no decomposition (ł, ø, ß, æ) go through any-ascii instead.
 */
function foldAccents(ch: string, can: Set<number>): string | null {
  const decomposed = ch.normalize('NFD');
  if (decomposed.length < 2) return null;
  const base = decomposed.replace(/\p{M}+/gu, '');
  if (!base || !Array.from(base).every((c) => can.has(c.codePointAt(0)!))) return null;
  return base;
}
