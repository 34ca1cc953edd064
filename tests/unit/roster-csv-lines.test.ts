// Issue 16: a CSV without quotes is read without csv-parse's per-record `info` (see readCsvRows),
// each record's line then counted from its place. Every row must still get the line the admin sees
// before (csv-parse's own numbering): here the rows and lines of 3,000 seeded random files (blank and
// whitespace-only lines, CRLF and LF, mixed in one file, a byte-order mark, no last line end, old Mac line ends,
// semicolons and tabs, quoted fields over two lines) are compared with csv-parse's own account.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { readCsvRows } from '../../electron/core/roster/csv';
import { seededRandom, type SeededRandom } from '../helpers/random';

/** What readCsvRows gave before the fast path: every record's line from csv-parse's info. */
function reference(text: string, delimiter: string) {
  const parsed = parse(text, { bom: true, delimiter, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as { record: string[]; info: { lines: number } }[];
  const [head, ...rest] = parsed;
  const rows = rest.map((r) => {
    let inner = 0;
    for (const c of r.record) for (let i = c.indexOf('\n'); i >= 0; i = c.indexOf('\n', i + 1)) inner++;
    return { line: r.info.lines - inner, cells: r.record };
  });
  return { header: head?.record ?? [], rows };
}

function randomFile(rnd: SeededRandom): { text: string; delimiter: string } {
  const delimiter = rnd.pick([',', ',', ';', '\t']);
  const eol = rnd.pick(['\n', '\r\n', '\n', '\r']);
  const cell = () => (rnd.chance(0.1) ? '' : rnd.chance(0.1) ? `  ${rnd.pick(['Ava', 'Noah'])} ` : rnd.pick(['Ava', 'Noah', 'Smith', 'Okafor', '9', '100234', 'Zoë']));
  const lines = [['id', 'forename', 'surname', 'year'].join(delimiter)];
  const n = rnd.int(12);
  for (let i = 0; i < n; i++) {
    const roll = rnd.next();
    if (roll < 0.1) lines.push('');
    else if (roll < 0.15) lines.push('   ');
    else if (roll < 0.2) lines.push(['s' + i, '"Mary' + eol + 'Ann"', 'Smith', '9'].join(delimiter));
    else lines.push(Array.from({ length: 3 + rnd.int(3) }, cell).join(delimiter));
  }
  // Some files mix their line ends (a file edited in two programs), line by line.
  const mixed = rnd.chance(0.2);
  const end = () => (mixed ? rnd.pick(['\n', '\r\n', '\r']) : eol);
  const body = lines.map((l, i) => (i ? end() : '') + l).join('');
  return { text: (rnd.chance(0.2) ? '\ufeff' : '') + body + (rnd.chance(0.7) ? end() : ''), delimiter };
}

describe('the line of each CSV row', () => {
  it('is the line csv-parse gives, with or without quotes, blank lines and line ends of every kind (3,000 seeded files)', () => {
    const rnd = seededRandom(1616);
    for (let k = 0; k < 3000; k++) {
      const { text, delimiter } = randomFile(rnd);
      let want: ReturnType<typeof reference> | Error;
      try {
        want = reference(text, delimiter);
      } catch (e) {
        want = e as Error;
      }
      if (want instanceof Error) {
        expect(() => readCsvRows(text), `file ${k}: ${JSON.stringify(text)}`).toThrow(/not readable as CSV/);
        continue;
      }
      expect(readCsvRows(text), `file ${k}: ${JSON.stringify(text)}`).toEqual(want);
    }
  });

  it('counts a file of 50,000 plain rows from its second line on, as a spreadsheet shows them', () => {
    const text = ['id,forename,surname', ...Array.from({ length: 50_000 }, (_, i) => `s${i},Ava,Smith${i}`)].join('\r\n') + '\r\n';
    const { header, rows } = readCsvRows(text);
    expect(header).toEqual(['id', 'forename', 'surname']);
    expect(rows).toHaveLength(50_000);
    expect(rows[0]).toEqual({ line: 2, cells: ['s0', 'Ava', 'Smith0'] });
    expect(rows[49_999]).toEqual({ line: 50_001, cells: ['s49999', 'Ava', 'Smith49999'] });
  });
});
