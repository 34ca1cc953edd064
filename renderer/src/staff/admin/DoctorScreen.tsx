// `kiosk doctor` on the admin screen: every check against the running kiosk, what needs a person
// first, each with what to do about it; and the support bundle (settings without secrets, logs,
// the doctor's report) written to a USB stick or the kiosk's own folder for the school's IT.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { useStaff } from '../context';
import { checkTone, describeTargets, doctorOrder, formatBytes } from './logic';
import { useWhen } from './when';

type Report = CallResponse<'runDoctor'>;
type Bundle = CallResponse<'writeSupportBundle'>;

export function DoctorSection() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const when = useWhen();
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const run = useCallback(async () => {
    setBusy(true);
    setProblem(null);
    const res = await call('runDoctor', {});
    setBusy(false);
    if (res.ok) setReport(res.value);
    else setProblem(res.error.message);
  }, [call]);
  useEffect(() => void run(), [run]);

  const failing = report?.checks.filter((c) => c.status === 'fail').length ?? 0;
  return (
    <>
      <div className="admin-row">
        <p className={report ? (report.needsAttention ? 'field-problem' : 'panel-ok') : 'hint'} role="status" data-testid="doctor-summary">
          {!report ? t('staff.admin.doctor.running') : report.needsAttention ? t('staff.admin.doctor.attention', { count: failing }) : t('staff.admin.doctor.allWell')}
          {report && <span className="admin-when"> · {t('staff.admin.doctor.at', { when: when(report.at) })}</span>}
        </p>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void run()}>
          {busy ? t('staff.admin.doctor.running') : t('staff.admin.doctor.again')}
        </button>
      </div>
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      {report && (
        <ul className="doctor-list" data-testid="doctor-list">
          {doctorOrder(report.checks).map((c) => (
            <li key={c.id} className={`doctor-check doctor-${c.status}`} data-check={c.id} data-status={c.status}>
              <span className={`chip chip-${checkTone(c.status)} doctor-status`}>{t(`staff.admin.doctor.status.${c.status}`)}</span>
              <div className="doctor-text">
                <h2 className="doctor-title">{c.title}</h2>
                <p>{c.summary}</p>
                {c.fix && (
                  <p className="doctor-fix">
                    <strong>{t('staff.admin.doctor.fix')}</strong> {c.fix}
                  </p>
                )}
                {/* Issue 13: a restore notice stays on the idle screen until a site admin has checked. */}
                {c.id === 'database' && typeof c.details.recoveries === 'number' && (
                  <button type="button" className="btn btn-secondary" data-testid="ack-recovery" onClick={() => void call('acknowledgeRecovery', {}).then(() => run())}>
                    {t('staff.recovery.acknowledge')}
                  </button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** A file of the bundle by its name in the bundle's folder (the folder is shown once, above). */
function inFolder(file: string, folder: string): string {
  return file.startsWith(folder) ? file.slice(folder.length).replace(/^[\\/]+/, '') : file;
}

export function SupportBundleSection() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [targets, setTargets] = useState<string[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [written, setWritten] = useState<Bundle | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const look = useCallback(async () => {
    const res = await call('supportBundleTargets', {});
    if (res.ok) setTargets(res.value);
    else setProblem(res.error.message);
  }, [call]);
  useEffect(() => void look(), [look]);

  const write = async (target: string) => {
    setBusy(target);
    setProblem(null);
    setWritten(null);
    const res = await call('writeSupportBundle', { target });
    setBusy(null);
    if (res.ok) setWritten(res.value);
    else setProblem(res.error.message);
  };

  const places = describeTargets(targets ?? []);
  const usb = places.some((p) => p.kind === 'usb');
  return (
    <>
      <p className="hint">{t('staff.admin.bundle.explain')}</p>
      {targets && !usb && <p className="hint">{t('staff.admin.bundle.noUsb')}</p>}
      <div className="admin-row">
        <div className="choice-grid admin-targets" role="group" aria-label={t('staff.admin.bundle.where')}>
          {places.map((p) => (
            <button type="button" key={p.path} className="choice admin-target" disabled={busy !== null} onClick={() => void write(p.path)} data-target={p.kind}>
              <span>
                <span className="admin-target-kind">{t(`staff.admin.bundle.${p.kind}`)}</span>
                <span className="admin-path">{p.path}</span>
              </span>
            </button>
          ))}
        </div>
        <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void look()}>
          {t('staff.admin.bundle.lookAgain')}
        </button>
      </div>
      {busy && (
        <p className="hint" role="status">
          {t('staff.admin.bundle.writing')}
        </p>
      )}
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      {written && (
        <section className="panel admin-panel" data-testid="bundle-written" aria-labelledby="bundle-done">
          <h2 id="bundle-done" className="panel-title">
            {t('staff.admin.bundle.done')}
          </h2>
          <dl className="facts">
            <dt>{t('staff.admin.bundle.folder')}</dt>
            <dd className="admin-path" data-testid="bundle-folder">
              {written.folder}
            </dd>
            <dt>{t('staff.admin.bundle.size')}</dt>
            <dd>{t('staff.admin.bundle.files', { count: written.files.length, size: formatBytes(written.bytes) })}</dd>
          </dl>
          <ul className="admin-files">
            {written.files.map((f) => (
              <li key={f} className="admin-path">
                {inFolder(f, written.folder)}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
