// Writes resources/demo-roster.csv: ~200 fictional students for a first run with no MIS.
// Deterministic (seeded), so the committed file and the tests agree. Run: npx tsx scripts/make-demo-roster.ts
import fs from 'node:fs';

const forenames = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Leo', 'Freya', 'Oscar', 'Zoë', 'Łukasz', 'Siobhán', 'Aarav', 'Fatima', 'Chidi', 'Ines', 'Mateo', 'Hana', 'Yusuf', 'Maja', 'Ewan', 'Aoife', 'Kwame', 'Priya', 'Jakub', 'Sofia', 'Dylan'];
const surnames = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Evans', 'Thomas', 'Khan', 'Nguyễn', 'Kowalski', 'O\'Brien', 'Okafor', 'Patel', 'Müller', 'García', 'Murphy', 'Ahmed', 'Novak', 'Hughes'];

let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T,>(a: T[]) => a[Math.floor(rand() * a.length)]!;

const rows = ['id,mis_id,forename,surname,year,form,badge'];
for (let i = 1; i <= 200; i++) {
  const year = 7 + ((i - 1) % 7);
  const form = `${year}${'ABCD'[Math.floor(rand() * 4)]}`;
  const f = pick(forenames);
  const s = pick(surnames);
  const q = (v: string) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  rows.push([`demo-${i}`, `${5000 + i}`, q(f), q(s), year, form, String(100000 + i)].join(','));
}
fs.writeFileSync(new URL('../resources/demo-roster.csv', import.meta.url), rows.join('\n') + '\n');
console.log(`wrote ${rows.length - 1} students`);
