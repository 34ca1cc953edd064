import Database from 'better-sqlite3';
const db = new Database(':memory:');
db.exec(`CREATE TABLE students (id TEXT PRIMARY KEY, forename TEXT, surname TEXT, active INTEGER, photo TEXT, year INTEGER);
CREATE VIRTUAL TABLE f1 USING fts5(forename, surname, content='students', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE f2 USING fts5(forename, surname, content='students', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='1 2 3');`);
const first = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Zoë', 'Łukasz', 'Siobhán', 'Aarav', 'Fatima', 'Chidi'];
const last = ['Smith', 'Jones', 'Taylor', 'Brown', 'Nguyễn', 'Kowalski', 'Okafor', 'Patel', 'Müller', 'García', 'Murphy', 'Ahmed'];
const ins = db.prepare('INSERT INTO students VALUES (?,?,?,1,NULL,?)');
db.transaction(() => { for (let i = 0; i < 50000; i++) ins.run(`s${i}`, `${first[i % first.length]}${i % 97}`, `${last[(i * 7) % last.length]}${i % 89}`, 7 + i % 7); })();
db.exec(`INSERT INTO f1(f1) VALUES('rebuild'); INSERT INTO f2(f2) VALUES('rebuild');`);
const queries = ['ame', 'oli sm', 'zo', 'łuk', 'patel', 'siob mur', 'chidi ok', 'mia1', 'ahm', 'gar'];
const m = (q: string) => q.normalize('NFKC').split(/[^\p{L}\p{N}]+/u).filter(Boolean).slice(0, 5).map((t) => `"${t}"*`).join(' ');
for (const fx of ['f1', 'f2']) {
  const cnt = db.prepare(`SELECT count(*) AS n FROM (SELECT 1 FROM ${fx} WHERE ${fx} MATCH ? LIMIT 301)`);
  const ranked = db.prepare(`WITH hits AS (SELECT f.rowid AS rid, f.rank AS r FROM ${fx} f JOIN students s ON s.rowid = f.rowid WHERE ${fx} MATCH ? AND s.active = 1 ORDER BY f.rank LIMIT ?) SELECT s.* FROM hits JOIN students s ON s.rowid = hits.rid ORDER BY hits.r`);
  const plain = db.prepare(`SELECT s.* FROM ${fx} f JOIN students s ON s.rowid = f.rowid WHERE ${fx} MATCH ? AND s.active = 1 LIMIT ?`);
  const per: Record<string, number[]> = {};
  for (let i = 0; i < 500; i++) for (const q of queries) { const t = performance.now(); const mm = m(q); const n = (cnt.get(mm) as any).n; (n > 300 ? plain : ranked).all(mm, 6); (per[q] ??= []).push(performance.now() - t); }
  const all = Object.values(per).flat().sort((a, b) => a - b);
  console.log(fx, 'p50', all[Math.floor(all.length * 0.5)]!.toFixed(3), 'p99', all[Math.floor(all.length * 0.99)]!.toFixed(3), Object.entries(per).map(([q, v]) => q + ':' + v.sort((a,b)=>a-b)[250]!.toFixed(2)).join(' '));
}
const c = db.prepare('SELECT count(*) n FROM f2 WHERE f2 MATCH ?');
console.log(queries.map(q => q + '=' + (c.get(m(q)) as any).n).join(' '));
