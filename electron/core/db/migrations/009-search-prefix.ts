// Issue 16: the forgot-my-badge name search at 50,000 students. A new FTS5 table with prefix
// indexes for 2 and 3 characters (what a student has typed after a letter or two), so a prefix
// query reads one index entry instead of every term that starts with those letters. Same
// tokenizer, same columns: the same students match. FTS5 cannot add a prefix index to a table,
// and shipped migrations never drop a table: the old table's triggers move to the new one, and
// the old table is emptied ('delete-all' of an external-content table) and left unused.
export const migration009 = {
  version: 9,
  name: 'search-prefix',
  sql: `
CREATE VIRTUAL TABLE students_fts2 USING fts5(
  forename, surname, content='students', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2', prefix='2 3'
);
DROP TRIGGER students_ai;
DROP TRIGGER students_ad;
DROP TRIGGER students_au;
CREATE TRIGGER students_ai AFTER INSERT ON students BEGIN
  INSERT INTO students_fts2(rowid, forename, surname) VALUES (new.rowid, new.forename, new.surname);
END;
CREATE TRIGGER students_ad AFTER DELETE ON students BEGIN
  INSERT INTO students_fts2(students_fts2, rowid, forename, surname) VALUES ('delete', old.rowid, old.forename, old.surname);
END;
CREATE TRIGGER students_au AFTER UPDATE OF forename, surname ON students BEGIN
  INSERT INTO students_fts2(students_fts2, rowid, forename, surname) VALUES ('delete', old.rowid, old.forename, old.surname);
  INSERT INTO students_fts2(rowid, forename, surname) VALUES (new.rowid, new.forename, new.surname);
END;
INSERT INTO students_fts2(students_fts2) VALUES ('rebuild');
INSERT INTO students_fts(students_fts) VALUES ('delete-all');
`,
};
