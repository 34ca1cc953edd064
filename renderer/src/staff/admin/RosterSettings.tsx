// The roster's own settings: where it comes from (the MIS, a CSV file, a OneRoster folder), the
// nightly import, the summer pause and the leaver guard. Drawn with the settings form's widgets;
// main checks the whole document on save and its messages show under their fields.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Segmented, Toggle } from '../components/Segmented';
import { useStaff } from '../context';
import { FormProvider, SchemaField } from '../settings/SchemaForm';
import { setIn, type Issue, type Path } from '../settings/schema';
import { blankSource, checkRosterDraft, SOURCE_KINDS, sourceKindOf, stepShare } from './logic';
import { SCHEDULE_FIELDS, SOURCE_FIELDS, text } from './rosterForm';

type Config = Record<string, unknown>;

export function RosterSettingsSection({ config, refresh }: { config: Config; refresh(): Promise<void> }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const setDirty = useStaff((s) => s.setDirty);
  const [draft, setDraft] = useState<Config>(() => structuredClone(config));
  const [serverIssues, setServerIssues] = useState<Issue[]>([]);
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const dirty = JSON.stringify(draft) !== JSON.stringify(config);
  useEffect(() => setDirty(dirty), [dirty, setDirty]);
  useEffect(() => () => setDirty(false), [setDirty]);

  const liveIssues = useMemo(() => checkRosterDraft(draft).map((i) => ({ path: i.path, message: t(`staff.admin.rosterForm.${i.key}`) })), [draft, t]);
  const issues = [...liveIssues, ...serverIssues.filter((s) => !liveIssues.some((l) => l.path === s.path))];

  const set = (path: Path, value: unknown) => {
    setStatus(null);
    setServerIssues([]);
    setDraft((d) => setIn(d, path, value));
  };
  const kind = sourceKindOf(draft);
  const pause = draft.summerPause as { from: string; to: string } | null;
  const share = typeof draft.maxLeaverShare === 'number' ? draft.maxLeaverShare : 0.25;

  const save = async () => {
    if (liveIssues.length) return setStatus({ ok: false, text: t('staff.settings.fixFirst', { count: liveIssues.length }) });
    setBusy(true);
    const res = await call('rosterSaveConfig', { config: draft });
    setBusy(false);
    if (!res.ok) {
      setServerIssues(res.error.issues ?? []);
      return setStatus({ ok: false, text: res.error.issues?.length ? t('staff.settings.fixFirst', { count: res.error.issues.length }) : res.error.message });
    }
    setDraft(structuredClone(res.value));
    setStatus({ ok: true, text: t('staff.admin.rosterForm.saved') });
    await refresh();
  };

  return (
    <FormProvider value={{ draft, set, issues, locks: [] }}>
      <div className="form-children form-top">
        <div className="form-field form-field-wide" data-path="source.kind">
          <span className="form-label">{t('staff.admin.rosterForm.source')}</span>
          <Segmented
            label={t('staff.admin.rosterForm.source')}
            value={kind}
            onChange={(k) => set(['source'], blankSource(k))}
            options={SOURCE_KINDS.map((k) => ({ value: k, label: t(`staff.admin.rosterForm.kind.${k}`) }))}
          />
          <p className="hint form-hint">{t(`staff.admin.rosterForm.kindHint.${kind}`)}</p>
        </div>
        {kind !== 'none' && SOURCE_FIELDS[kind].map(([key, name, node]) => <SchemaField key={`${kind}-${key}`} node={node} path={['source', key]} name={name} />)}
        {SCHEDULE_FIELDS.map(([key, name, node]) => (
          <SchemaField key={key} node={node} path={['schedule', key]} name={name} />
        ))}
        <div className="form-field" data-path="summerPause">
          <span className="form-label">{t('staff.field.rosterSummerPause')}</span>
          <p className="hint form-hint">{t('staff.fieldHint.rosterSummerPause')}</p>
          <Toggle on={pause !== null && pause !== undefined} onChange={(on) => set(['summerPause'], on ? { from: '07-22', to: '08-31' } : null)} label={t('staff.field.rosterSummerPause')} onText={t('staff.form.on')} offText={t('staff.form.off')} />
        </div>
        {pause && (
          <>
            <SchemaField node={text(5)} path={['summerPause', 'from']} name="rosterPauseFrom" />
            <SchemaField node={text(5)} path={['summerPause', 'to']} name="rosterPauseTo" />
          </>
        )}
        <div className="form-field" data-path="allowNoBadge">
          <span className="form-label">{t('staff.admin.rosterRules.noBadge')}</span>
          <p className="hint form-hint">{t('staff.admin.rosterRules.noBadgeHint')}</p>
          <Toggle on={draft.allowNoBadge === true} onChange={(on) => set(['allowNoBadge'], on)} label={t('staff.admin.rosterRules.noBadge')} onText={t('staff.form.on')} offText={t('staff.form.off')} />
        </div>
        <div className={`form-field${issues.some((i) => i.path === 'maxLeaverShare') ? ' form-field-bad' : ''}`} data-path="maxLeaverShare">
          <span className="form-label">{t('staff.field.rosterLeaverGuard')}</span>
          <p className="hint form-hint">{t('staff.fieldHint.rosterLeaverGuard')}</p>
          <div className="stepper">
            <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={share <= 0} onClick={() => set(['maxLeaverShare'], stepShare(share, -5))} aria-label={t('staff.form.less', { label: t('staff.field.rosterLeaverGuard') })}>
              −
            </button>
            <span className="field stepper-value" data-testid="leaver-guard">
              {Math.round(share * 100)}%
            </span>
            <button type="button" className="btn btn-secondary btn-small stepper-btn" disabled={share >= 1} onClick={() => set(['maxLeaverShare'], stepShare(share, 5))} aria-label={t('staff.form.more', { label: t('staff.field.rosterLeaverGuard') })}>
              +
            </button>
          </div>
          {issues
            .filter((i) => i.path === 'maxLeaverShare')
            .map((i) => (
              <p className="field-problem" role="alert" key={i.message}>
                {i.message}
              </p>
            ))}
        </div>
      </div>
      <div className="settings-foot admin-foot">
        <p className={status ? (status.ok ? 'panel-ok' : 'field-problem') : 'hint'} role={status ? (status.ok ? 'status' : 'alert') : undefined} data-testid="roster-settings-status">
          {status?.text ?? (dirty ? t('staff.settings.unsaved') : t('staff.settings.upToDate'))}
        </p>
        <button type="button" className="btn btn-secondary" disabled={!dirty || busy} onClick={() => (setDraft(structuredClone(config)), setServerIssues([]), setStatus(null))}>
          {t('staff.settings.discard')}
        </button>
        <button type="button" className="btn btn-primary" disabled={!dirty || busy} onClick={() => void save()}>
          {t('staff.settings.save')}
        </button>
      </div>
    </FormProvider>
  );
}
