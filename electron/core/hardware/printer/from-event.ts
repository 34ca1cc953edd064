// A recorded event → the pass model. Lives in core, not shared/pass.ts, because it needs the
// rules (shared/settings), and shared/settings imports the printer settings from shared/pass.
import { passModel, type PassModel } from '../../../../shared/pass';
import type { SignEvent, Student } from '../../../../shared/model';
import { groupForStudent, resolveRules, splitReasonLabel, type SiteSettings } from '../../../../shared/settings';

/** The pass for a recorded event: the message comes from the reason, else the student's group rules. */
export function passFromEvent(
  event: SignEvent,
  student: Pick<Student, 'forename' | 'surname' | 'year' | 'form' | 'groupId'>,
  settings: SiteSettings,
  options: { reprintedAt?: string | null; collectedBy?: string | null; awaitingApproval?: boolean; alert?: string | null } = {},
): PassModel {
  const rules = resolveRules(settings, groupForStudent(settings, student));
  const reason = rules.reasons.find((r) => r.id === event.reasonId) ?? settings.rules.reasons.find((r) => r.id === event.reasonId);
  const label = event.reasonLabel ?? reason?.label ?? null;
  return passModel.parse({
    eventId: event.id,
    schoolName: settings.schoolName,
    locale: settings.locale,
    forename: student.forename,
    surname: student.surname,
    year: student.year,
    form: student.form,
    direction: event.direction,
    localDate: event.localDate,
    localTime: event.localTime,
    minutesLate: event.minutesLate,
    session: event.session,
    reason: label === null ? null : splitReasonLabel(label).text,
    code: event.code,
    note: event.comment,
    message: reason?.passMessage ?? rules.passMessage,
    reprintedAt: options.reprintedAt ?? null,
    // issue 17
    collectedBy: options.collectedBy ?? null,
    awaitingApproval: options.awaitingApproval ?? false,
    ...(options.alert ? { alert: options.alert } : {}),
  });
}
