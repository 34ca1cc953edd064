// Numbered, single-purpose migrations. Append only: never edit a migration that has shipped.
// A test (tests/unit/migrations.test.ts) proves every step applies to a real database and that
// later steps only add.
import { migration001 } from './001-initial';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [migration001];
