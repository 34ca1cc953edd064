// The made-up pass the printer section previews and describes: a real layout with a sample pupil.
import type { PassModel } from '../../../../shared/pass';
import type { PassPreviewSettings } from '../../components/PassPreview';

export type { PassModel };
export type PassPreviewSettingsInput = PassPreviewSettings;

export function samplePass(schoolName: string, locale: 'en-GB' | 'en-US'): PassModel {
  return {
    eventId: 'sample-0001',
    schoolName,
    locale,
    forename: 'Ava',
    surname: 'Smith',
    year: 9,
    form: '9C',
    direction: 'sign_in',
    localDate: '2026-11-24',
    localTime: '09:07',
    minutesLate: 7,
    session: 'AM',
    reason: locale === 'en-US' ? 'Bus late' : 'Bus or train late',
    code: 'L',
    note: null,
    message: '',
    reprintedAt: null,
    collectedBy: null,
    awaitingApproval: false,
  };
}
