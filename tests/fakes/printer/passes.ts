// The pass from the "done" example, used by every printer test and the benchmark:
// accents from three code pages (ë cp437, Ł cp852, ễ none of the common ones).
import { passModel, type PassModel, type PassModelInput } from '../../../shared/pass';

export const zoeInput: PassModelInput = {
  eventId: '3f2a9c1e-8d7b-4b1a-9f00-1234567890ab',
  schoolName: 'Oakfield Academy',
  forename: 'Zoë',
  surname: 'Łukasz-Nguyễn',
  year: 9,
  form: '9B',
  direction: 'sign_in',
  localDate: '2025-03-14',
  localTime: '09:07',
  minutesLate: 7,
  session: 'AM',
  reason: 'Medical appointment',
  code: 'M',
  message: 'Go straight to your lesson.',
};

/** Zoë's pass, with any field changed. */
export function zoePass(changes: Partial<PassModelInput> = {}): PassModel {
  return passModel.parse({ ...zoeInput, ...changes });
}
