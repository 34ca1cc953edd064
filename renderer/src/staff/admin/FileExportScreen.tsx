// The file export (the SIS imports a CSV the kiosk writes on a schedule): where the files go, how
// many marks wait for the next file, "Run now", and a re-run of one day picked with big day
// buttons (no keyboard). Only when the file export is the chosen MIS connection.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { useKiosk } from '../../state/context';
import { useStaff } from '../context';
import { localDay, shiftDay } from './logic';
import { useDayWords, useWhen } from './when';
import { machineTimeZone } from '../../../../shared/school-time';

type ExportStatus = CallResponse<'fileExportStatus'>;
type ExportRun = ExportStatus['runs'][number];

export function FileExportSection() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const info = useKiosk((s) => s.info);
  const when = useWhen();
  const dayWords = useDayWords();
  const today = localDay(info?.now ?? new Date().toISOString(), info?.timeZone ?? machineTimeZone());
  const [status, setStatus] = useState<ExportStatus | null>(null);
  const [day, setDay] = useState(today);
  const [busy, setBusy] = useState<'run' | 'rerun' | null>(null);
  const [result, setResult] = useState<{ ok: boolean; text: string; of: 'run' | 'rerun' | 'status' } | null>(null);

  const refresh = useCallback(async () => {
    const res = await call('fileExportStatus', {});
    if (res.ok) setStatus(res.value);
    else setResult({ ok: false, text: res.error.message, of: 'status' });
  }, [call]);
  useEffect(() => void refresh(), [refresh]);

  const wrote = (run: ExportRun | null) =>
    run ? (run.error ? { ok: false, text: run.error } : { ok: true, text: t('staff.admin.export.wrote', { file: run.fileName, count: run.records }) }) : { ok: true, text: t('staff.admin.export.nothing') };
  /** The answer to an action, right under its button. */
  const answer = (of: 'run' | 'rerun') =>
    result?.of === of && (
      <p className={result.ok ? 'panel-ok' : 'field-problem'} role={result.ok ? 'status' : 'alert'} data-testid="export-result">
        {result.text}
      </p>
    );

  const runNow = async () => {
    setBusy('run');
    setResult(null);
    const res = await call('fileExportRunNow', {});
    setBusy(null);
    setResult({ ...(res.ok ? wrote(res.value.run) : { ok: false, text: res.error.message }), of: 'run' });
    await refresh();
  };
  const rerun = async () => {
    setBusy('rerun');
    setResult(null);
    const res = await call('fileExportRerunDay', { day });
    setBusy(null);
    setResult({ ...(res.ok ? wrote(res.value.run) : { ok: false, text: res.error.message }), of: 'rerun' });
    await refresh();
  };

  if (!status) return <p className="staff-loading">{result?.text ?? t('staff.common.loading')}</p>;
  if (!status.available)
    return (
      <p className="admin-message" data-testid="export-unavailable">
        {t('staff.admin.export.unavailable')}
      </p>
    );
  return (
    <>
      <section className="panel admin-panel" aria-labelledby="export-now">
        <h2 id="export-now" className="panel-title">
          {t('staff.admin.export.nowTitle')}
        </h2>
        <dl className="facts">
          <dt>{t('staff.admin.export.destination')}</dt>
          <dd className="admin-path">{status.destination ?? '–'}</dd>
          <dt>{t('staff.admin.export.waiting')}</dt>
          <dd data-testid="export-waiting">{status.waiting}</dd>
          <dt>{t('staff.admin.export.next')}</dt>
          <dd>{status.nextRunAt ? when(status.nextRunAt) : t('staff.admin.export.noSchedule')}</dd>
        </dl>
        <div className="panel-actions">
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void runNow()}>
            {busy === 'run' ? t('staff.admin.export.running') : t('staff.admin.export.runNow')}
          </button>
        </div>
        {answer('run')}
      </section>
      <section className="panel admin-panel" aria-labelledby="export-rerun">
        <h2 id="export-rerun" className="panel-title">
          {t('staff.admin.export.rerunTitle')}
        </h2>
        <p className="hint">{t('staff.admin.export.rerunHint')}</p>
        <div className="stepper admin-day">
          <button type="button" className="btn btn-secondary stepper-btn" onClick={() => setDay(shiftDay(day, -1, today))} aria-label={t('staff.admin.export.dayBack')}>
            −
          </button>
          <span className="field stepper-value admin-day-value" data-testid="export-day" data-day={day}>
            {dayWords(day)}
          </span>
          <button type="button" className="btn btn-secondary stepper-btn" disabled={day >= today} onClick={() => setDay(shiftDay(day, 1, today))} aria-label={t('staff.admin.export.dayForward')}>
            +
          </button>
        </div>
        <div className="panel-actions">
          <button type="button" className="btn btn-primary" disabled={busy !== null} onClick={() => void rerun()}>
            {busy === 'rerun' ? t('staff.admin.export.running') : t('staff.admin.export.rerun')}
          </button>
        </div>
        {answer('rerun')}
      </section>
      {result?.of === 'status' && (
        <p className="field-problem" role="alert">
          {result.text}
        </p>
      )}
      {status.runs.length > 0 && (
        <section className="admin-history" aria-labelledby="export-runs">
          <h2 id="export-runs" className="form-label">
            {t('staff.admin.export.runs')}
          </h2>
          <ul>
            {status.runs.map((r) => (
              <li key={r.id} className="admin-history-row">
                <span className="admin-history-when">{when(r.finishedAt ?? r.startedAt)}</span>
                <span className={`chip ${r.error ? 'chip-bad' : r.state === 'done' ? 'chip-ok' : 'chip-wait'}`}>{t(`staff.admin.export.kind.${r.kind}`)}</span>
                <span className="admin-history-what">
                  {r.fileName} · {t('staff.admin.export.records', { count: r.records })}
                  {r.day ? ` · ${dayWords(r.day)}` : ''}
                  {r.error ? ` · ${r.error}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
