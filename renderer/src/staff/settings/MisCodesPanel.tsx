// "Fetch the MIS's codes": the connected MIS's own attendance codes, fetched with the saved
// connection and kept by main. From then on the code fields offer them as big buttons, and main
// refuses to save a code the MIS does not have (the message shows at that field).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { useWhen } from '../admin/when';
import { useStaff } from '../context';

type MisCodes = CallResponse<'misAttendanceCodes'>;

export function MisCodesPanel({ dirty, codes, onCodes }: { dirty: boolean; codes: MisCodes | null; onCodes(codes: MisCodes): void }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const when = useWhen();
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const fetchCodes = async () => {
    setBusy(true);
    setProblem(null);
    const res = await call('misAttendanceCodes', { refresh: true });
    setBusy(false);
    if (!res.ok) return setProblem(res.error.message);
    onCodes(res.value);
  };
  const list = codes?.codes ?? [];
  return (
    <section className="form-group extras" aria-labelledby="mis-codes">
      <h2 id="mis-codes" className="form-label">
        {t('staff.admin.codes.title')}
      </h2>
      <p className="hint">{dirty ? t('staff.settings.saveFirst') : t('staff.admin.codes.hint')}</p>
      <button type="button" className="btn btn-primary" disabled={busy || dirty} onClick={() => void fetchCodes()}>
        {busy ? t('staff.admin.codes.fetching') : list.length ? t('staff.admin.codes.refetch') : t('staff.admin.codes.fetch')}
      </button>
      {problem && (
        <p className="field-problem" role="alert" data-testid="mis-codes-result">
          {problem}
        </p>
      )}
      {!problem && list.length > 0 && (
        <>
          <p className="panel-ok" role="status" data-testid="mis-codes-result">
            {codes?.fetchedAt ? t('staff.admin.codes.fetched', { count: list.length, when: when(codes.fetchedAt) }) : t('staff.admin.codes.count', { count: list.length })}
          </p>
          <ul className="mis-code-list" data-testid="mis-code-list">
            {list.map((c) => (
              <li key={c.code}>
                <span className="choice-code">{c.code}</span> {c.description ?? ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
