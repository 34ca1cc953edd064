// The roster as the site admin sees it: a new academic year waiting for approval (first, it
// changes the most), the last import with its counts and its bad rows by line, "Import now" with
// its progress, a refused import's "confirm the leavers", and the imports before it.
import { useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse, EventPayload, ImportRunView } from '../../../../shared/ipc/contract';
import { Confirm } from '../components/Sheet';
import { useStaff } from '../context';
import { canConfirmLeavers, outcomeTone, progressShare, shownCounts } from './logic';
import { useWhen } from './when';

// Named here, not imported from AdminScreen (which imports this file): no import circle.
type RosterStatus = CallResponse<'rosterStatus'>;

type Progress = EventPayload<'rosterProgress'>;

export function RosterSection({ status, refresh }: { status: RosterStatus; refresh(): Promise<void> }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [progress, setProgress] = useState<Progress | null>(status.running);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [replacingDemo, setReplacingDemo] = useState(false);

  // Progress of any import, the nightly one too; 'done' ends it.
  useEffect(() => window.kiosk.on('rosterProgress', (p) => setProgress(p.phase === 'done' ? null : p)), []);

  const importNow = async (confirmLeavers: boolean, replaceDemo = false) => {
    setBusy(true);
    setProblem(null);
    const res = await call('rosterImportNow', { ...(confirmLeavers ? { confirmLeavers: true } : {}), ...(replaceDemo ? { replaceDemo: true } : {}) });
    setBusy(false);
    setProgress(null);
    if (!res.ok) setProblem(res.error.message);
    await refresh();
  };

  const last = status.lastImport;
  const running = busy || progress !== null;
  // The first real roster waits while the demo students are on the kiosk: the admin confirms they go.
  const demoWaiting = !!last && last.outcome === 'refused' && Number(last.counts.demo) > 0;
  return (
    <>
      {status.pendingRollover && <RolloverPanel rollover={status.pendingRollover} refresh={refresh} />}
      <section className="panel admin-panel" aria-labelledby="roster-now">
        <div className="panel-head">
          <div>
            <h2 id="roster-now" className="panel-title">
              {t('staff.admin.roster.importTitle')}
            </h2>
            <p className="panel-sub">{sourceWords(t, status.config)}</p>
          </div>
          <button type="button" className="btn btn-primary" disabled={running} onClick={() => void importNow(false)}>
            {running ? t('staff.admin.roster.importing') : t('staff.admin.roster.importNow')}
          </button>
        </div>
        {running && <ProgressBar progress={progress} />}
        {problem && (
          <p className="field-problem" role="alert" data-testid="roster-problem">
            {problem}
          </p>
        )}
      </section>
      {last ? (
        <RunPanel run={last} title={t('staff.admin.roster.lastImport')} testid="roster-last">
          {demoWaiting && !running && (
            <button type="button" className="btn btn-primary" data-testid="replace-demo" onClick={() => setReplacingDemo(true)}>
              {t('staff.admin.rosterRules.replaceDemo')}
            </button>
          )}
          {canConfirmLeavers(last) && !demoWaiting && !running && (
            <button type="button" className="btn btn-secondary" onClick={() => setConfirming(true)}>
              {t('staff.admin.roster.confirmLeavers', { count: Number(last.counts.leavers) })}
            </button>
          )}
        </RunPanel>
      ) : (
        <p className="hint">{t('staff.admin.roster.never')}</p>
      )}
      <History runs={status.history.filter((r) => r.id !== last?.id)} />
      {replacingDemo && last && (
        <Confirm
          title={t('staff.admin.rosterRules.replaceDemoTitle', { count: Number(last.counts.demo) })}
          body={t('staff.admin.rosterRules.replaceDemoBody')}
          no={t('staff.common.cancel')}
          yes={t('staff.admin.rosterRules.replaceDemoYes')}
          onNo={() => setReplacingDemo(false)}
          onYes={() => {
            setReplacingDemo(false);
            void importNow(false, true);
          }}
        />
      )}
      {confirming && last && (
        <Confirm
          title={t('staff.admin.roster.confirmTitle', { count: Number(last.counts.leavers) })}
          body={t('staff.admin.roster.confirmBody')}
          no={t('staff.common.cancel')}
          yes={t('staff.admin.roster.confirmYes')}
          onNo={() => setConfirming(false)}
          onYes={() => {
            setConfirming(false);
            void importNow(true);
          }}
        />
      )}
    </>
  );
}

function sourceWords(t: (k: string, o?: Record<string, unknown>) => string, config: Record<string, unknown>): string {
  const source = config.source as { kind?: string; path?: string } | null | undefined;
  const schedule = config.schedule as { enabled?: boolean; at?: string } | undefined;
  const from = !source?.kind ? t('staff.admin.roster.noSource') : t(`staff.admin.roster.from.${source.kind}`, { path: source.path ?? '' });
  const nightly = schedule?.enabled ? t('staff.admin.roster.nightlyAt', { at: schedule.at ?? '' }) : t('staff.admin.roster.nightlyOff');
  return `${from} ${nightly}`;
}

function ProgressBar({ progress }: { progress: Progress | null }) {
  const { t } = useTranslation();
  const share = progressShare(progress);
  return (
    <div className="admin-progress" data-testid="roster-progress">
      <div
        className={`admin-progress-track${share === null ? ' admin-progress-unknown' : ''}`}
        role="progressbar"
        aria-label={t('staff.admin.roster.progress')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={share === null ? undefined : Math.round(share * 100)}
      >
        <span className="admin-progress-fill" style={{ width: `${Math.round((share ?? 0.3) * 100)}%` }} />
      </div>
      <p className="hint" aria-live="polite">
        {progress ? t(`staff.admin.roster.phase.${progress.phase}`, { done: progress.done, total: progress.total ?? '' }) : t('staff.admin.roster.phase.reading')}
      </p>
    </div>
  );
}

/** One import: how it ended, what it changed, and the rows it could not use, by line. */
export function RunPanel({ run, title, testid, children }: { run: ImportRunView; title: string; testid: string; children?: ReactNode }) {
  const { t } = useTranslation();
  const when = useWhen();
  const counts = shownCounts(run.counts);
  return (
    <section className="panel admin-panel" data-testid={testid} data-outcome={run.outcome} aria-label={title}>
      <div className="panel-head">
        <div>
          <h2 className="panel-title">{title}</h2>
          <p className="panel-sub">
            {t(`staff.admin.roster.trigger.${run.trigger}`, { defaultValue: run.trigger })} · {when(run.finishedAt ?? run.startedAt)} · {run.sourceLabel}
          </p>
        </div>
        <span className={`chip chip-${outcomeTone(run.outcome)}`} data-testid="run-outcome">
          {t(`staff.admin.roster.outcome.${run.outcome}`)}
        </span>
      </div>
      {run.message && <p className={outcomeTone(run.outcome) === 'bad' ? 'field-problem' : 'admin-message'}>{run.message}</p>}
      {counts.length > 0 && (
        <dl className="admin-counts">
          {counts.map((c) => (
            <div key={c.key} className={`admin-count${c.value > 0 && (c.key === 'leavers' || c.key === 'clashes' || c.key === 'skipped') ? ' admin-count-note' : ''}`}>
              <dt>{t(`staff.admin.roster.count.${c.key}`)}</dt>
              <dd>{c.value}</dd>
            </div>
          ))}
        </dl>
      )}
      {run.issueCount > 0 && (
        <div className="admin-issues">
          <h3 className="form-label">{t('staff.admin.roster.issues', { count: run.issueCount })}</h3>
          <ul data-testid="roster-issues">
            {run.issues.map((i, n) => (
              <li key={n} className={`admin-issue admin-issue-${i.severity === 'error' ? 'error' : 'warning'}`}>
                <span className="admin-issue-line">{t('staff.admin.roster.line', { line: i.line })}</span>
                <span>{i.message}</span>
              </li>
            ))}
          </ul>
          {run.issueCount > run.issues.length && <p className="hint">{t('staff.admin.roster.moreIssues', { count: run.issueCount - run.issues.length })}</p>}
        </div>
      )}
      {children && <div className="panel-actions">{children}</div>}
    </section>
  );
}

function History({ runs }: { runs: ImportRunView[] }) {
  const { t } = useTranslation();
  const when = useWhen();
  if (runs.length === 0) return null;
  return (
    <section className="admin-history" aria-labelledby="roster-history">
      <h2 id="roster-history" className="form-label">
        {t('staff.admin.roster.history')}
      </h2>
      <ul>
        {runs.map((r) => (
          <li key={r.id} className="admin-history-row">
            <span className="admin-history-when">{when(r.finishedAt ?? r.startedAt)}</span>
            <span className={`chip chip-${outcomeTone(r.outcome)}`}>{t(`staff.admin.roster.outcome.${r.outcome}`)}</span>
            <span className="admin-history-what">
              {shownCounts(r.counts)
                .filter((c) => c.key === 'added' || c.key === 'updated' || c.key === 'leavers')
                .map((c) => `${t(`staff.admin.roster.count.${c.key}`)} ${c.value}`)
                .join(' · ')}
              {r.issueCount > 0 ? ` · ${t('staff.admin.roster.issues', { count: r.issueCount })}` : ''}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** A new academic year: what would change, shown before it replaces this year's roster. */
function RolloverPanel({ rollover, refresh }: { rollover: NonNullable<RosterStatus['pendingRollover']>; refresh(): Promise<void> }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const when = useWhen();
  const [asking, setAsking] = useState<'approve' | 'discard' | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const v = rollover.verdict;
  const decide = async (decision: 'approve' | 'discard') => {
    setAsking(null);
    setBusy(true);
    const res = await call('rosterRollover', { decision });
    setBusy(false);
    if (!res.ok) return setProblem(res.error.message);
    await refresh();
  };
  const figures: [string, number][] = [
    ['continuing', v.continuing],
    ['promoted', v.promoted],
    ['formChanged', v.formChanged],
    ['joining', v.joining],
    ['leaving', v.leaving],
  ];
  return (
    <section className="panel admin-panel admin-rollover" aria-labelledby="rollover-title" data-testid="rollover">
      <div>
        <h2 id="rollover-title" className="panel-title">
          {t('staff.admin.rollover.title')}
        </h2>
        <p className="panel-sub">{t('staff.admin.rollover.found', { when: when(rollover.detectedAt), source: rollover.sourceLabel })}</p>
      </div>
      <p className="admin-message">{t('staff.admin.rollover.explain')}</p>
      <dl className="admin-counts">
        {figures.map(([k, n]) => (
          <div key={k} className="admin-count">
            <dt>{t(`staff.admin.rollover.${k}`)}</dt>
            <dd>{n}</dd>
          </div>
        ))}
      </dl>
      <ul className="admin-reasons">
        {v.reasons.map((r) => (
          <li key={r}>{r}</li>
        ))}
      </ul>
      {problem && (
        <p className="field-problem" role="alert">
          {problem}
        </p>
      )}
      <div className="panel-actions">
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setAsking('discard')}>
          {t('staff.admin.rollover.discard')}
        </button>
        <button type="button" className="btn btn-primary" disabled={busy} onClick={() => setAsking('approve')}>
          {busy ? t('staff.admin.roster.importing') : t('staff.admin.rollover.approve')}
        </button>
      </div>
      {asking && (
        <Confirm
          title={t(`staff.admin.rollover.${asking}Title`)}
          body={t(`staff.admin.rollover.${asking}Body`, { joining: v.joining, leaving: v.leaving })}
          no={t('staff.common.cancel')}
          yes={t(`staff.admin.rollover.${asking}`)}
          onNo={() => setAsking(null)}
          onYes={() => void decide(asking)}
        />
      )}
    </section>
  );
}
