// One event, as reception sees it, and what can be done with it: change the reason or code (the
// change supersedes the earlier mark in the outbox: an unsent mark is never sent, a sent one is
// corrected), reprint the pass, and finalise a late arrival as excused or not.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReasonView } from '../../../../shared/ipc/contract';
import type { StaffEventRow } from '../../../../shared/ipc/contract';
import { reasonText } from '../../components/reasonText';
import { formatLocalTime } from '../../i18n';
import { useKiosk } from '../../state/context';
import { Segmented } from '../components/Segmented';
import { EntrySheet } from '../components/Sheet';
import { useStaff } from '../context';
import { actorWords, directionWords, writebackWords, yearWords } from '../words';

export type Outcome = { kind: 'ok' | 'error'; text: string } | null;

export function EventPanel({ row, note, onChanged, onClose }: { row: StaffEventRow; note: Outcome; onChanged(eventId: string, note?: Outcome): void; onClose(): void }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const locale = useKiosk((s) => s.info?.locale ?? 'en-GB');
  const [changing, setChanging] = useState(false);
  // A change makes a new event (a new panel): its message travels with it as `note`.
  const [outcome, setOutcome] = useState<Outcome>(note);
  const [busy, setBusy] = useState(false);
  const ev = row.event;
  const wb = writebackWords(t, row);
  const replaced = ev.supersededBy !== null;
  const late = ev.direction === 'sign_in' && (ev.minutesLate ?? 0) > 0;

  const run = async (job: () => Promise<Outcome>) => {
    setBusy(true);
    setOutcome(await job());
    setBusy(false);
  };

  const reprint = () =>
    run(async () => {
      const res = await call('reprintPass', { eventId: ev.id });
      if (!res.ok) return { kind: 'error', text: res.error.message };
      if (res.value.status === 'printed') return { kind: 'ok', text: t('staff.event.reprinted') };
      if (res.value.status === 'disabled') return { kind: 'error', text: t('staff.event.noPrinter') };
      return { kind: 'error', text: t('staff.event.printFailed', { problem: res.value.problem ?? '' }) };
    });

  const finalise = (excused: boolean) =>
    run(async () => {
      const res = await call('finaliseEvent', { eventId: ev.id, excused });
      if (!res.ok) return { kind: 'error', text: res.error.message };
      onChanged(ev.id);
      return { kind: 'ok', text: excused ? t('staff.event.markedExcused') : t('staff.event.markedNotExcused') };
    });

  if (changing)
    return (
      <ChangeReason
        row={row}
        onCancel={() => setChanging(false)}
        onSaved={(eventId, text) => {
          setChanging(false);
          setOutcome({ kind: 'ok', text });
          onChanged(eventId, { kind: 'ok', text });
        }}
      />
    );

  return (
    <div className="panel" data-testid="event-panel">
      <div className="panel-head">
        <div>
          <h2 className="panel-title">{row.studentName}</h2>
          <p className="panel-sub">
            {yearWords(t, row.year)} · {directionWords(t, ev.direction)} · {formatLocalTime(locale, ev.localTime)}
            {late ? ` · ${t('done.minutesLate', { count: ev.minutesLate ?? 0 })}` : ''}
          </p>
        </div>
        <button type="button" className="btn btn-secondary btn-small" onClick={onClose}>
          {t('staff.common.close')}
        </button>
      </div>
      <dl className="facts">
        <dt>{t('staff.event.reason')}</dt>
        <dd>{ev.reasonLabel ? reasonText(ev.reasonLabel) : '–'}</dd>
        <dt>{t('staff.event.code')}</dt>
        <dd data-testid="event-code">{ev.code ?? '–'}</dd>
        <dt>{t('staff.event.session')}</dt>
        <dd>{ev.session ? t(`session.${ev.session}`) : '–'}</dd>
        {ev.comment && (
          <>
            <dt>{t('staff.event.note')}</dt>
            <dd>{ev.comment}</dd>
          </>
        )}
        <dt>{t('staff.event.by')}</dt>
        <dd>{actorWords(t, ev.actor)}</dd>
        <dt>{t('staff.event.writeback')}</dt>
        <dd>
          <span className={`chip chip-${wb.tone}`}>{wb.text}</span>
          {row.writeback?.lastError && <span className="fact-detail">{row.writeback.lastError}</span>}
        </dd>
        {ev.excused !== null && (
          <>
            <dt>{t('staff.event.finalised')}</dt>
            <dd>{ev.excused ? t('staff.event.excused') : t('staff.event.notExcused')}</dd>
          </>
        )}
      </dl>
      {outcome && (
        <p className={outcome.kind === 'ok' ? 'panel-ok' : 'field-problem'} role={outcome.kind === 'ok' ? 'status' : 'alert'}>
          {outcome.text}
        </p>
      )}
      {replaced ? (
        <div className="panel-actions">
          <p className="hint">{t('staff.event.replaced')}</p>
          <button type="button" className="btn btn-secondary" onClick={() => onChanged(ev.supersededBy!)}>
            {t('staff.event.showNewer')}
          </button>
        </div>
      ) : (
        <div className="panel-actions">
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => setChanging(true)}>
            {t('staff.event.change')}
          </button>
          <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => void reprint()}>
            {t('staff.event.reprint')}
          </button>
          {late && (
            <>
              <button type="button" className="btn btn-secondary" disabled={busy || ev.excused === true} onClick={() => void finalise(true)}>
                {t('staff.event.excuse')}
              </button>
              <button type="button" className="btn btn-secondary" disabled={busy || ev.excused === false} onClick={() => void finalise(false)}>
                {t('staff.event.notExcuse')}
              </button>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** Pick the new reason (and, if need be, a code of the receptionist's own); the core decides the rest at the event's original time. */
function ChangeReason({ row, onCancel, onSaved }: { row: StaffEventRow; onCancel(): void; onSaved(eventId: string, text: string): void }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const selectStudent = (studentId: string) => window.kiosk.selectStudent({ studentId });
  const [reasons, setReasons] = useState<ReasonView[] | null>(null);
  const [reasonId, setReasonId] = useState<string | null>(row.event.reasonId);
  const [codeMode, setCodeMode] = useState<'reason' | 'own'>('reason');
  const [code, setCode] = useState('');
  const [typingCode, setTypingCode] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    void selectStudent(row.event.studentId).then((res) => {
      if (!live) return;
      if (res.ok) setReasons(res.value.reasons[row.event.direction]);
      else setError(res.error.message);
    });
    return () => {
      live = false;
    };
  }, [row.event.studentId, row.event.direction]);

  const save = async () => {
    if (!reasonId) return;
    setBusy(true);
    const res = await call('overrideEvent', { eventId: row.event.id, reasonId, ...(codeMode === 'own' && code ? { code } : {}) });
    setBusy(false);
    if (!res.ok) {
      setError(res.error.issues?.[0]?.message ?? res.error.message);
      return;
    }
    const next = res.value;
    onSaved(next.id, next.writeback && next.code ? t('staff.change.willWrite', { code: next.code }) : t('staff.change.noWrite'));
  };

  return (
    <div className="panel" data-testid="change-panel">
      <div className="panel-head">
        <div>
          <h2 className="panel-title">{t('staff.change.title', { name: row.studentName })}</h2>
          <p className="panel-sub">{t('staff.change.explain')}</p>
        </div>
      </div>
      {/* Save sits at the top, beside Cancel: a long list of reasons never pushes it out of sight. */}
      <div className="panel-actions panel-actions-top">
        <button type="button" className="btn btn-secondary" onClick={onCancel}>
          {t('staff.common.cancel')}
        </button>
        <button type="button" className="btn btn-primary" disabled={busy || !reasonId || (codeMode === 'own' && !code)} onClick={() => void save()}>
          {t('staff.change.save')}
        </button>
      </div>
      <div className="choice-grid" role="group" aria-label={t('staff.change.reason')}>
        {reasons?.map((r) => (
          <button type="button" key={r.id} className={`choice${r.id === reasonId ? ' choice-on' : ''}`} aria-pressed={r.id === reasonId} onClick={() => setReasonId(r.id)}>
            <span>{reasonText(r.label)}</span>
            {r.code && <span className="choice-code">{r.code}</span>}
          </button>
        ))}
      </div>
      <div className="field-row">
        <span className="field-label">{t('staff.change.codeLabel')}</span>
        <Segmented
          label={t('staff.change.codeLabel')}
          value={codeMode}
          onChange={(v) => {
            setCodeMode(v);
            if (v === 'own') setTypingCode(true);
          }}
          options={[
            { value: 'reason', label: t('staff.change.codeFromReason') },
            { value: 'own', label: code ? t('staff.change.codeOwnIs', { code }) : t('staff.change.codeOwn') },
          ]}
        />
      </div>
      {error && (
        <p className="field-problem" role="alert">
          {error}
        </p>
      )}
      {typingCode && (
        <EntrySheet
          title={t('staff.change.codeOwn')}
          initial={code}
          maxLength={8}
          kind="text"
          hint={t('staff.change.codeHint')}
          check={(v) => (v && /\s/.test(v) ? t('staff.change.codeNoSpaces') : null)}
          onCancel={() => {
            setTypingCode(false);
            if (!code) setCodeMode('reason');
          }}
          onDone={(v) => {
            setTypingCode(false);
            setCode(v.trim());
            if (!v.trim()) setCodeMode('reason');
          }}
        />
      )}
    </div>
  );
}
