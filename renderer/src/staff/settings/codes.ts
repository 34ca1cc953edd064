// Which settings fields hold an attendance code, so that once the MIS's own code list has been
// fetched the field offers those codes as big buttons. Main refuses a code the MIS lacks on save
// (electron/core/db/mis-codes.ts checks the same fields); the protected codes are offered too,
// because a code the MIS does not have can never be on a student's register to protect.
import type { Path } from './schema';

const CODE_FIELDS = new Set(['lateCode', 'unauthorisedCode', 'leaverCode']);

export function isCodePath(path: Path): boolean {
  const last = path[path.length - 1];
  const parent = path[path.length - 2];
  if (typeof last === 'string' && (CODE_FIELDS.has(last) || last === 'protectedCodes')) return true;
  // presentCodes.AM / presentCodes.PM, and a reason's own code (rules.reasons.2.code).
  return parent === 'presentCodes' || (last === 'code' && path.includes('reasons'));
}

export interface MisCode {
  code: string;
  description: string | null;
  type: string | null;
}

/** The codes as choices, in the MIS's own order: the code, then what the MIS calls it. */
export function codeChoices(codes: MisCode[]): { value: string; label: string }[] {
  return codes.map((c) => ({ value: c.code, label: c.description ? `${c.code} · ${c.description}` : c.code }));
}
