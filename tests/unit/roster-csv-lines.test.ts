// Issue 16: a CSV without quotes is read without csv-parse's per-record `info` (see readCsvRows),
// each record's line then counted from its place. Every row must still get the line the admin sees
// in a text editor: here the rows and lines of 3,000 seeded random files (blank and
// whitespace-only lines, CRLF and LF, mixed in one file, a byte-order mark, no last line end, old Mac line ends,
// semicolons and tabs, quoted fields over two lines) are compared with csv-parse's own account of
// the file with its line ends made alike. A file whose line ends are mixed (a file edited in two
// programs) was read with the first one alone as the record end: rows ran together, and a student
// was lost without a word (the last tests); and a CRLF inside a quoted cell counted as two lines.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { parseMappedCsv, readCsvRows } from '../../electron/core/roster/csv';
import { seededRandom, type SeededRandom } from '../helpers/random';

/** A text editor's view: every CRLF, LF or CR ends a line. */
const lf = (t: string) => t.replace(/\r\n?/g, '\n');

/** What readCsvRows gave before the fast path, of the file with its line ends made alike: every record's line from csv-parse's info. */
function reference(raw: string, delimiter: string) {
  const text = lf(raw);
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
  it('is the line a text editor shows, with or without quotes, blank lines and line ends of every kind (3,000 seeded files)', () => {
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

  it('reads a file whose line ends are mixed as a text editor does: every row its own, on its own line', () => {
    // Excel's own CRLF file with a cell over two lines: the rows after it keep their lines.
    expect(readCsvRows('id,forename,surname\r\ns1,"Mary\r\nAnn",Smith\r\ns2,Noah,Okafor\r\n').rows).toEqual([
      { line: 2, cells: ['s1', 'Mary\nAnn', 'Smith'] },
      { line: 4, cells: ['s2', 'Noah', 'Okafor'] },
    ]);
    // A CRLF header typed in one program, rows pasted from another (LF), one old Mac line end.
    const text = 'id,forename,surname\r\ns1,Ava,Smith\ns2,"Noah\r\nJames",Okafor\rs3,Zoë,Lee\n';
    expect(readCsvRows(text)).toEqual({
      header: ['id', 'forename', 'surname'],
      rows: [
        { line: 2, cells: ['s1', 'Ava', 'Smith'] },
        { line: 3, cells: ['s2', 'Noah\nJames', 'Okafor'] },
        { line: 5, cells: ['s3', 'Zoë', 'Lee'] },
      ],
    });
    // A lone CR inside a quoted cell of an LF file; blank and space-only lines in a mixed file.
    expect(readCsvRows('id,forename\ns1,"Mary\rAnn"\ns2,Noah\n').rows).toEqual([
      { line: 2, cells: ['s1', 'Mary\nAnn'] },
      { line: 4, cells: ['s2', 'Noah'] },
    ]);
    expect(readCsvRows('id,forename\r\n\r\ns1,Ava\n   \rs2,Noah\r\n\ns3,Zoë').rows).toEqual([
      { line: 3, cells: ['s1', 'Ava'] },
      { line: 5, cells: ['s2', 'Noah'] },
      { line: 7, cells: ['s3', 'Zoë'] },
    ]);
    expect(readCsvRows('id,forename\ns1,Ava\r\ns2,Noah\n').rows).toEqual([
      { line: 2, cells: ['s1', 'Ava'] },
      { line: 3, cells: ['s2', 'Noah'] },
    ]);
  });

  it('imports every student of a file whose line ends are mixed, and reports a bad row on the line the admin sees', () => {
    // Before: s2 ran into s1's row (s1's surname "Smith\rs2") and was neither imported nor reported.
    const text = 'id,forename,surname,year\ns1,Ava,Smith,9\rs2,Noah,Okafor,10\r\ns3,,Lee,9\ns4,Zoë,Adams,11\n';
    const { records, issues } = parseMappedCsv(text);
    expect(records.map((r) => [r.student.id, r.student.forename, r.student.surname, r.line])).toEqual([
      ['s1', 'Ava', 'Smith', 2],
      ['s2', 'Noah', 'Okafor', 3],
      ['s4', 'Zoë', 'Adams', 5],
    ]);
    expect(issues.filter((i) => i.severity === 'error').map((i) => i.line)).toEqual([4]);
  });
});
