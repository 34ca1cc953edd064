// Names on the paper: printed as written where a code page has the letter, else transliterated
// sensibly; never "?" and never a wrong glyph.
import { describe, expect, it } from 'vitest';
import { COMMON_CODEPAGES, printableText } from '../../electron/core/hardware/printer/text';

describe('printableText', () => {
  const common = printableText(COMMON_CODEPAGES);
  const asciiOnly = printableText(['cp437']);

  it.each([
    ['Zoë Łukasz-Nguyễn', 'Zoë Łukasz-Nguyen'],
    ['Siobhán Ó Súilleabháin', 'Siobhán Ó Súilleabháin'],
    ['Dvořák Šťastný', 'Dvořák Šťastný'],
    ['Дмитрий', 'Дмитрий'],
    ['王芳', 'Wang Fang'],
    ['Αλέξανδρος', 'Alexandros'],
    ['Þórður', 'Þórður'], // cp858 has Þ and ð
    ['€5 Café', '€5 Café'],
  ])('on the common code pages %s prints as %s', (name, printed) => {
    expect(common(name)).toBe(printed);
  });

  it.each([
    ['Łukasz', 'Lukasz'],
    ['Nguyễn', 'Nguyen'],
    ['Dvořák', 'Dvorák'], // cp437 has á, not ř
    ['Zoë', 'Zoë'],
    ['Øystein Ægir Straße', 'Oystein Ægir Straße'], // cp437 has Æ and ß, not Ø
    ['Αλέξανδρος', 'Alexandros'], // never "Alεxαnδros" from cp437's maths signs
    ['Дмитрий', 'Dmitriy'],
    ['€5', 'EUR5'],
  ])('on a US-only printer %s prints as %s', (name, printed) => {
    expect(asciiOnly(name)).toBe(printed);
  });

  it('never prints a question mark for a letter', () => {
    for (const name of ['Nguyễn Thị Minh Khai', '김민준', 'محمد', 'İbrahim Çağlar', 'Zoë 😀']) {
      expect(asciiOnly(name)).not.toContain('?');
      expect(common(name)).not.toContain('?');
    }
  });

  it('drops emoji rather than spelling them out', () => {
    expect(common('Zoë 😀')).toBe('Zoë ');
  });

  it('treats a decomposed name like a composed one', () => {
    expect(asciiOnly('Nguye\u0302\u0303n')).toBe('Nguyen');
  });
});
