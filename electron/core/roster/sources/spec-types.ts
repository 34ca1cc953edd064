// Roster sources described as plain data (types only; sources/spec.ts builds them in the worker).
import type { ColumnMapping } from '../csv';
import type { RosterPage } from '../../mis/types';
import type { RosterSource, SourceResult } from '../model';

export type SourceSpec =
  | { type: 'csv-file'; file: string; mapping?: ColumnMapping }
  | { type: 'csv-text'; text: string; label: string; mapping?: ColumnMapping }
  | { type: 'oneroster'; dir: string; school: string | null }
  | {
      type: 'wonde';
      http: { baseUrl: string; token: string | null; timeoutMs?: number };
      options: {
        schoolId: string;
        origin: string;
        photos: boolean;
        contacts: boolean;
        badgeFrom: 'none' | 'mis_id' | 'upi' | 'id';
        perPage: number;
        attempts?: number;
        backoffMs?: number;
      };
    }
  | { type: 'pages'; name: string }
  | { type: 'pending-rollover' }
  | { type: 'result'; result: SourceResult };

/** A source that can say what it is as data (null: it cannot; it is read on the main thread). */
export interface DescribedSource extends RosterSource {
  spec(): SourceSpec | null;
  /** For `pages`: the main thread fetches each page for the worker. */
  page?(cursor: string | null): Promise<RosterPage>;
}

export const describes = (s: RosterSource): s is DescribedSource => typeof (s as Partial<DescribedSource>).spec === 'function';
