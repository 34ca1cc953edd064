// "M - Medical appointment" carries its register code in the label (the Sign In App convention);
// a student only needs to read "Medical appointment". Same rule as shared/settings' splitReasonLabel,
// kept here so the renderer bundle does not pull zod in for one regular expression.
const CODE_IN_LABEL = /^([A-Z/\\#]{1,2})\s+-\s+(.+)$/;

export function reasonText(label: string): string {
  const m = CODE_IN_LABEL.exec(label.trim());
  return m ? m[2]!.trim() : label.trim();
}
