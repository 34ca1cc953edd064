// The fake Wonde's data: schools of different MIS flavours, their students, codes, lessons and
// the marks their registers hold. Plain objects, so tests can set a register up directly.
export type Flavour = 'SIMS' | 'Arbor';

export interface FakeCode {
  id: string;
  code: string;
  description: string;
  type: string;
}

export interface FakeLesson {
  id: string;
  date: string; // YYYY-MM-DD
  start: string; // HH:MM
  end: string;
  className: string;
  students: string[];
}

export interface SessionMarkRecord {
  code_id: string;
  comment: string | null;
  minutes_late: number | null;
}

export interface FakeSchool {
  id: string;
  name: string;
  mis: string;
  timezone: string;
  allowsWriteback: boolean;
  sessionWriteback: boolean;
  lessonWriteback: boolean;
  comment: boolean;
  minutesLate: boolean;
  students: Map<string, { id: string; forename: string; surname: string; upi: string }>;
  codes: FakeCode[];
  lessons: FakeLesson[];
  /** `${student}|${date}|${session}` → mark */
  sessionMarks: Map<string, SessionMarkRecord>;
  /** `${lesson}|${student}` → mark */
  lessonMarks: Map<string, SessionMarkRecord>;
}

export const DEFAULT_CODES: FakeCode[] = [
  { id: 'A1000001', code: '/', description: 'Present (AM)', type: 'present' },
  { id: 'A1000002', code: '\\', description: 'Present (PM)', type: 'present' },
  { id: 'A1000003', code: 'L', description: 'Late (before registers closed)', type: 'present' },
  { id: 'A1000004', code: 'U', description: 'Late (after registers closed)', type: 'unauthorised_absence' },
  { id: 'A1000005', code: 'M', description: 'Medical/Dental appointments', type: 'authorised_absence' },
  { id: 'A1000006', code: 'I', description: 'Illness', type: 'authorised_absence' },
  { id: 'A1000007', code: 'C', description: 'Other authorised circumstances', type: 'authorised_absence' },
  { id: 'A1000008', code: 'O', description: 'Other unauthorised absence', type: 'unauthorised_absence' },
  { id: 'A1000009', code: 'N', description: 'No reason yet provided', type: 'unauthorised_absence' },
];

export interface SchoolInput {
  id: string;
  flavour?: Flavour;
  name?: string;
  students?: (string | { id: string; forename?: string; surname?: string })[];
  codes?: FakeCode[];
  lessons?: FakeLesson[];
  allowsWriteback?: boolean;
}

/** SIMS-like: session writeback with comment and minutes late. Arbor-like: lessons only. */
export function makeSchool(input: SchoolInput): FakeSchool {
  const flavour = input.flavour ?? 'SIMS';
  const students = new Map<string, { id: string; forename: string; surname: string; upi: string }>();
  for (const s of input.students ?? []) {
    const st = typeof s === 'string' ? { id: s } : s;
    students.set(st.id, { id: st.id, forename: st.forename ?? 'Test', surname: st.surname ?? st.id, upi: `UPI${st.id}` });
  }
  return {
    id: input.id,
    name: input.name ?? `${flavour} School ${input.id}`,
    mis: flavour,
    timezone: 'Europe/London',
    allowsWriteback: input.allowsWriteback ?? true,
    sessionWriteback: flavour === 'SIMS',
    lessonWriteback: true,
    comment: true,
    minutesLate: true,
    students,
    codes: input.codes ?? DEFAULT_CODES,
    lessons: input.lessons ?? [],
    sessionMarks: new Map(),
    lessonMarks: new Map(),
  };
}
