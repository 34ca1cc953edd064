// What each MIS behind Wonde takes, as data: the table of the Sign In App article
// (reference/seeds/003). Our copy of that table lost its tick glyphs and kept only the crosses,
// so a row's crosses are read as the right-most columns (a MIS that lacks a session mark lacks
// the comment and minutes late with it): Engage has no minutes late; Facility, Cloud School and
// School Base take a session mark only; Integris and Scholar Pack take no session writeback.
// Arbor takes no session mark (write to the first lesson of the session) and no leaver codes.
// A lesson mark carries no comment and no minutes late: Wonde's public lesson record is exactly
// lesson_id, student_id, attendance_code_id (wondeltd/php-client src/Writeback/LessonAttendanceRecord.php,
// wondeltd/dotnet-client WriteBack/LessionAttendanceRecord.cs), so a lesson-only MIS such as Arbor
// gets neither, whatever the article's table says of the MIS itself.
// Change a row here, not in code, when a school finds otherwise.
import type { Capabilities } from './types';

export interface MisProfile {
  /** As the Wonde school object's `mis` field spells it (matched case- and space-insensitively). */
  mis: string;
  sessionMark: boolean;
  lessonMark: boolean;
  comment: boolean;
  minutesLate: boolean;
  earlyLeaverCodes: boolean;
  note?: string;
}

export const wondeMisTable: readonly MisProfile[] = [
  { mis: 'Bromcom', sessionMark: true, lessonMark: true, comment: true, minutesLate: true, earlyLeaverCodes: true },
  { mis: 'iSAMS REST', sessionMark: true, lessonMark: true, comment: true, minutesLate: true, earlyLeaverCodes: true },
  { mis: 'PupilAsset', sessionMark: true, lessonMark: false, comment: true, minutesLate: true, earlyLeaverCodes: true },
  { mis: 'SIMS', sessionMark: true, lessonMark: true, comment: true, minutesLate: true, earlyLeaverCodes: true },
  {
    mis: 'Arbor',
    sessionMark: false,
    lessonMark: true,
    // Lesson marks only, and Wonde's lesson record has no comment or minutes late field.
    comment: false,
    minutesLate: false,
    earlyLeaverCodes: false,
    note: 'Arbor takes no session writeback: the mark goes to the first lesson of the session, without the comment or minutes late (a lesson mark through Wonde carries the code only). Early-leaver codes are not written back.',
  },
  { mis: 'Engage', sessionMark: true, lessonMark: false, comment: true, minutesLate: false, earlyLeaverCodes: true },
  { mis: 'Facility', sessionMark: true, lessonMark: false, comment: false, minutesLate: false, earlyLeaverCodes: true },
  { mis: 'Cloud School', sessionMark: true, lessonMark: false, comment: false, minutesLate: false, earlyLeaverCodes: true },
  { mis: 'School Base', sessionMark: true, lessonMark: false, comment: false, minutesLate: false, earlyLeaverCodes: true },
  {
    mis: 'Integris',
    sessionMark: false,
    lessonMark: false,
    comment: false,
    minutesLate: false,
    earlyLeaverCodes: false,
    note: 'Integris takes no attendance writeback through Wonde.',
  },
  {
    mis: 'Scholar Pack',
    sessionMark: false,
    lessonMark: false,
    comment: false,
    minutesLate: false,
    earlyLeaverCodes: false,
    note: 'Scholar Pack takes no attendance writeback through Wonde.',
  },
];

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export function misProfile(mis: string | null | undefined): MisProfile | null {
  if (!mis) return null;
  const key = squash(mis);
  // "iSAMS" and "iSAMS REST" are one product to a school; prefer the exact row, then a prefix.
  return wondeMisTable.find((p) => squash(p.mis) === key) ?? wondeMisTable.find((p) => key.startsWith(squash(p.mis)) || squash(p.mis).startsWith(key)) ?? null;
}

/**
 * Capabilities of a school behind Wonde: the table's row, narrowed by what the school object says
 * (writeback switched off, no lesson attendance). An MIS missing from the table is treated like
 * SIMS (session mark, comment, minutes late) and the engine learns otherwise from 422s.
 */
export function wondeCapabilities(school: { mis: string | null; allowsWriteback: boolean | null; hasLessonAttendance: boolean | null }, maxBatch: number): Capabilities & { note: string | null } {
  const p = misProfile(school.mis) ?? { ...wondeMisTable.find((x) => x.mis === 'SIMS')!, note: undefined };
  const writeback = school.allowsWriteback !== false;
  const lessons = school.hasLessonAttendance !== false;
  const sessionMark = writeback && p.sessionMark;
  const lessonMark = writeback && lessons && p.lessonMark;
  // The engine writes a session mark when it can and a lesson mark otherwise; a lesson mark has no
  // field for a comment or minutes late, so a school whose marks go to lessons takes neither.
  const viaLessons = !sessionMark && lessonMark;
  return {
    sessionMark,
    lessonMark,
    comment: p.comment && !viaLessons,
    minutesLate: p.minutesLate && !viaLessons,
    earlyLeaverCodes: p.earlyLeaverCodes,
    readMarks: true,
    maxBatch,
    note: !writeback
      ? 'The school has not allowed writeback in Wonde.'
      : (p.note ?? (viaLessons ? `${p.mis} marks go to lessons here (no session writeback): the comment and minutes late are not sent.` : null)),
  };
}
