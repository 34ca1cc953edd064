// The site admin's settings: every setting of the site, a section at a time, checked as it is
// typed with the messages main would give (late time after session start, no gaps in the bell
// schedule…), saved as a whole and in force at once, with no restart. Fields the district locked
// show the lock and its reason. Scanner, printer and MIS sections carry their own tests.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { setLocale } from '../../i18n';
import { useKioskStore } from '../../state/context';
import { useStaff } from '../context';
import { AuditPanel, MisExtras, PinsPanel, PrinterExtras, ScannerExtras } from './extras';
import { MessagesPanel } from './MessagesPanel';
import { ObjectFields, SchemaField, FormProvider, fieldLabel } from './SchemaForm';
import { checkDraft, isOptional, sectionOf, setIn, settingsSchema, type Issue, type JsonNode, type Path } from './schema';

interface Section {
  id: string;
  /** Top-level keys ("kiosk") or second-level ones ("rules.reasons") this section draws. */
  keys: string[];
  title: string;
}

type AdminView = CallResponse<'adminSettings'>;
type MisCodes = CallResponse<'misAttendanceCodes'>;

const KNOWN: { id: string; keys: string[] }[] = [
  { id: 'school', keys: ['schoolName', 'locale', 'timeZone'] },
  { id: 'writeback', keys: ['rules'] },
  { id: 'reasons', keys: ['rules.reasons'] },
  { id: 'groups', keys: ['groups'] },
  { id: 'bell', keys: ['bellSchedule'] },
  { id: 'kiosk', keys: ['kiosk', 'kioskFlow'] },
  { id: 'scanner', keys: ['scanner'] },
  { id: 'printer', keys: ['printer'] },
  { id: 'mis', keys: ['mis'] },
  { id: 'fleet', keys: ['fleet'] },
  // issue 17 part 3: telling home
  { id: 'messages', keys: ['messages'] },
];

/** The known sections, then one for any top-level setting added since (drawn from the schema alone). */
export function buildSections(schema: JsonNode, title: (id: string) => string): Section[] {
  const keys = Object.keys(schema.properties ?? {});
  const known = KNOWN.filter((s) => s.keys.some((k) => keys.includes(k.split('.')[0]!)));
  const covered = new Set(known.flatMap((s) => s.keys.map((k) => k.split('.')[0]!)));
  const extra = keys.filter((k) => !covered.has(k)).map((k) => ({ id: k, keys: [k] }));
  return [...known, ...extra].map((s) => ({ ...s, title: KNOWN.some((x) => x.id === s.id) ? title(s.id) : fieldLabel(s.id) }));
}

export default function SettingsScreen() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const setDirty = useStaff((s) => s.setDirty);
  const kiosk = useKioskStore();
  const schema = settingsSchema();
  const [view, setView] = useState<AdminView | null>(null);
  const [draft, setDraft] = useState<unknown>(null);
  const [serverIssues, setServerIssues] = useState<Issue[]>([]);
  const [tried, setTried] = useState(false);
  const [status, setStatus] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const sections = useMemo(() => [...buildSections(schema, (id) => t(`staff.section.${id}`)), { id: 'pins', keys: [], title: t('staff.section.pins') }, { id: 'audit', keys: [], title: t('staff.section.audit') }], [schema, t]);
  const [section, setSection] = useState('school');
  // The MIS's codes as last fetched (none until an admin fetches them): code fields offer them.
  const [misCodes, setMisCodes] = useState<MisCodes | null>(null);

  useEffect(() => {
    void call('misAttendanceCodes', {}).then((res) => res.ok && setMisCodes(res.value));
  }, [call]);

  useEffect(() => {
    void call('adminSettings', {}).then((res) => {
      if (res.ok) {
        setView(res.value);
        setDraft(structuredClone(res.value.settings));
      } else setStatus({ kind: 'error', text: res.error.message });
    });
  }, [call]);

  const dirty = view !== null && JSON.stringify(draft) !== JSON.stringify(view.settings);
  useEffect(() => setDirty(dirty), [dirty, setDirty]);
  useEffect(() => () => setDirty(false), [setDirty]);

  const liveIssues = useMemo(() => (draft ? checkDraft(draft) : []), [draft]);
  // Messages show as soon as a field is wrong; main's own answer (locks) stays until the next save.
  const issues = useMemo(() => {
    const seen = new Set(liveIssues.map((i) => `${i.path}|${i.message}`));
    return [...liveIssues, ...serverIssues.filter((i) => !seen.has(`${i.path}|${i.message}`))];
  }, [liveIssues, serverIssues]);

  if (!view || draft === null)
    return <p className={status ? 'field-problem' : 'staff-loading'}>{status?.text ?? t('staff.common.loading')}</p>;

  const set = (path: Path, value: unknown) => {
    setStatus(null);
    setServerIssues([]);
    setDraft((d: unknown) => setIn(d, path, value));
  };

  const save = async () => {
    setTried(true);
    if (liveIssues.length) {
      setStatus({ kind: 'error', text: t('staff.settings.fixFirst', { count: liveIssues.length }) });
      return;
    }
    setBusy(true);
    const res = await call('saveSettings', { settings: draft });
    setBusy(false);
    if (!res.ok) {
      setServerIssues(res.error.issues ?? []);
      setStatus({ kind: 'error', text: res.error.issues?.length ? t('staff.settings.fixFirst', { count: res.error.issues.length }) : res.error.message });
      return;
    }
    setView({ ...view, settings: res.value });
    setDraft(structuredClone(res.value));
    setTried(false);
    setStatus({ kind: 'ok', text: t('staff.settings.saved') });
    // In force now: the kiosk re-reads who it is (name, words, timings) without a restart.
    await kiosk.getState().start();
    const locale = kiosk.getState().info?.locale;
    if (locale) await setLocale(locale);
  };

  const current = sections.find((s) => s.id === section) ?? sections[0]!;
  const countIn = (id: string) => issues.filter((i) => sectionOf(i.path, sections) === id).length;

  return (
    <FormProvider value={{ draft, set, issues, locks: view.locks, codes: misCodes?.codes }}>
      <div className="settings">
        <nav className="settings-nav" aria-label={t('staff.settings.sections')}>
          {sections.map((s) => {
            const n = countIn(s.id);
            return (
              <button type="button" key={s.id} className={`settings-tab${s.id === current.id ? ' settings-tab-on' : ''}`} aria-current={s.id === current.id ? 'page' : undefined} onClick={() => setSection(s.id)} data-section={s.id}>
                <span>{s.title}</span>
                {n > 0 && (
                  <span className="settings-bad" aria-label={t('staff.settings.problems', { count: n })}>
                    {n}
                  </span>
                )}
              </button>
            );
          })}
        </nav>
        <div className="settings-main">
          <div className="settings-scroll" data-testid="settings-section" data-section={current.id} tabIndex={0}>
            <h1 className="staff-title">{current.title}</h1>
            {view.secrets.weak && current.id === 'mis' && <p className="form-lock">{t('staff.settings.weakSecrets', { backend: view.secrets.backend })}</p>}
            <div className="form-children form-top">
              <SectionBody section={current} schema={schema} />
            </div>
            {current.id === 'scanner' && <ScannerExtras />}
            {current.id === 'printer' && <PrinterExtras dirty={dirty} draft={draft} />}
            {current.id === 'mis' && <MisExtras dirty={dirty} draft={draft} codes={misCodes} onCodes={setMisCodes} />}
            {current.id === 'messages' && <MessagesPanel dirty={dirty} draft={draft} />}
            {current.id === 'pins' && <PinsPanel />}
            {current.id === 'audit' && <AuditPanel />}
          </div>
          {current.keys.length > 0 || dirty ? (
            <div className="settings-foot">
              <p className={status?.kind === 'error' ? 'field-problem' : status ? 'panel-ok' : 'hint'} role={status ? (status.kind === 'error' ? 'alert' : 'status') : undefined} data-testid="settings-status">
                {status?.text ?? (dirty ? t('staff.settings.unsaved') : t('staff.settings.upToDate'))}
              </p>
              {tried && issues.length > 0 && (
                <button type="button" className="btn btn-secondary btn-small" onClick={() => setSection(sectionOf(issues[0]!.path, sections) ?? section)}>
                  {t('staff.settings.showFirst')}
                </button>
              )}
              <button type="button" className="btn btn-secondary" disabled={!dirty || busy} onClick={() => (setDraft(structuredClone(view.settings)), setServerIssues([]), setStatus(null))}>
                {t('staff.settings.discard')}
              </button>
              <button type="button" className="btn btn-primary" disabled={!dirty || busy} onClick={() => void save()}>
                {t('staff.settings.save')}
              </button>
            </div>
          ) : null}
        </div>
      </div>
    </FormProvider>
  );
}

function SectionBody({ section, schema }: { section: Section; schema: JsonNode }) {
  const props = schema.properties ?? {};
  if (section.id === 'writeback') {
    return <ObjectFields node={props.rules!} path={['rules']} except={['reasons']} />;
  }
  if (section.id === 'reasons') {
    return <SchemaField node={props.rules!.properties!.reasons!} path={['rules', 'reasons']} name="reasons" />;
  }
  return (
    <>
      {section.keys.map((k) => {
        const node = props[k];
        if (!node) return null;
        // A section that is one object shows its fields directly, without a second heading.
        if (node.type === 'object' && node.properties) return <ObjectFields key={k} node={node} path={[k]} />;
        return <SchemaField key={k} node={node} path={[k]} name={k} optional={isOptional(schema, k, [])} />;
      })}
    </>
  );
}
