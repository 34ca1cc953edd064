// Numbered, single-purpose migrations. Append only: never edit a migration that has shipped.
// tests/integration/store.test.ts proves every step applies to a real database.
import { migration001 } from './001-initial';
import { migration002 } from './002-sync';
import { migration003 } from './003-roster';
import { migration004 } from './004-staff';
import { migration005 } from './005-supersede-index';
import { migration006 } from './006-confirm';
import { migration007 } from './007-scan-rejection-hash';
import { migration008 } from './008-staff-recovery';
import { migration009 } from './009-search-prefix';
// ---- issue 17: collectors (010) ----
import { migration010 } from './010-collectors';
import { migration011 } from './011-late-counts';
// issue 17 part 3 (messages)
import { migration012 } from './012-messages';
// issue 16: the scan path's index
import { migration013 } from './013-scan-path';
// issue 16: one index fewer on the sign-in's write
import { migration014 } from './014-scan-path-occurred';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, /* issue 16: */ migration009, /* issue 17: */ migration010, /* issue 18: */ migration011, /* issue 17 (messages): */ migration012, /* issue 16: */ migration013, /* issue 16: */ migration014];
