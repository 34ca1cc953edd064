// What some settings sections carry beyond their fields: a test scan, a test print with the pass
// as it will print, the MIS credentials (write-only) and "Test connection", the staff PINs, and
// the audit log of who changed what.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { secretKeys } from '../../../../shared/mis';
import { usSecretKeys } from '../../../../shared/mis-us';
import { parseAuditValue, settingsChanges } from './diff';
import { samplePass, type PassModel, type PassPreviewSettingsInput } from './passSample';
import { PassPreview } from '../../components/PassPreview';
import { useKiosk } from '../../state/context';
import { EntrySheet } from '../components/Sheet';
import { useStaff } from '../context';
import { PIN_MAX, PIN_MIN } from '../store';
import { MisCodesPanel } from './MisCodesPanel';

export type Result = { ok: boolean; text: string } | null;

export function ResultLine({ result, testid }: { result: Result; testid: string }) {
  if (!result) return null;
  return (
    <p className={result.ok ? 'panel-ok' : 'field-problem'} role={result.ok ? 'status' : 'alert'} data-testid={testid}>
      {result.text}
    </p>
  );
}

/** Which of these secrets are stored (never their values), and saving one: the MIS and Messages panels. */
export function useStoredSecrets(names: readonly string[]) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [stored, setStored] = useState<Record<string, boolean>>({});
  const [saved, setSaved] = useState<Result>(null);
  const key = names.join(',');
  useEffect(() => {
    if (!key) return;
    void call('secretsSet', { names: key.split(',') }).then((res) => res.ok && setStored(res.value));
  }, [call, key]);
  const saveSecret = async (name: string, value: string) => {
    const res = await call('saveSecret', { name, value });
    if (!res.ok) return setSaved({ ok: false, text: res.error.message });
    setStored((s) => ({ ...s, [name]: true }));
    setSaved({ ok: true, text: t('staff.mis.secretSaved') });
  };
  return { stored, saved, saveSecret };
}

/** One row a secret: stored or not, and Enter / Replace (which opens the caller's sheet). */
export function SecretRows<S extends { name: string; label: string }>({ secrets, stored, labelOf, onEdit }: { secrets: readonly S[]; stored: Record<string, boolean>; labelOf(s: S): string; onEdit(s: S): void }) {
  const { t } = useTranslation();
  return (
    <>
      {secrets.map((s) => (
        <div className="field-row" key={s.name} data-secret={s.name}>
          <span className="form-label">{labelOf(s)}</span>
          <span className={`chip ${stored[s.name] ? 'chip-ok' : 'chip-wait'}`}>{stored[s.name] ? t('staff.mis.stored') : t('staff.mis.notStored')}</span>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => onEdit(s)}>
            {stored[s.name] ? t('staff.mis.replace') : t('staff.mis.enter')}
          </button>
        </div>
      ))}
    </>
  );
}

/** A secret typed once, masked, never shown again (MIS credentials, the SMTP password, the webhook secret). */
export function SecretSheet({ title, onCancel, onDone }: { title: string; onCancel(): void; onDone(value: string): void }) {
  const { t } = useTranslation();
  return (
    <EntrySheet
      title={title}
      initial=""
      kind="text"
      masked
      maxLength={4096}
      hint={t('staff.mis.neverShown')}
      check={(v) => (v.length === 0 ? t('staff.mis.secretEmpty') : null)}
      onCancel={onCancel}
      onDone={onDone}
    />
  );
}

export function ScannerExtras() {
  const { t } = useTranslation();
  const lastScan = useStaff((s) => s.lastScan);
  const [since] = useState(() => Date.now());
  const fresh = lastScan && lastScan.at >= since ? lastScan : null;
  return (
    <section className="form-group extras" aria-labelledby="test-scan">
      <h2 id="test-scan" className="form-label">
        {t('staff.scanner.testTitle')}
      </h2>
      <p className="hint">{t('staff.scanner.testHint')}</p>
      <p className={fresh ? (fresh.kind === 'student' ? 'panel-ok' : 'field-problem') : 'hint'} role="status" data-testid="test-scan-result">
        {!fresh ? t('staff.scanner.waiting') : fresh.kind === 'student' ? t('staff.scanner.read', { name: fresh.name }) : t(`staff.scanner.rejected.${fresh.reason}`, { defaultValue: t('staff.scanner.rejected.error') })}
      </p>
    </section>
  );
}

export function PrinterExtras({ dirty, draft }: { dirty: boolean; draft: unknown }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const info = useKiosk((s) => s.info);
  const [result, setResult] = useState<Result>(null);
  const [busy, setBusy] = useState(false);
  const printer = (draft as { printer?: PassPreviewSettingsInput }).printer ?? {};
  const model: PassModel = samplePass(info?.schoolName ?? '', info?.locale ?? 'en-GB');
  const test = async () => {
    setBusy(true);
    const res = await call('testPrint', {});
    setBusy(false);
    if (!res.ok) return setResult({ ok: false, text: res.error.message });
    const v = res.value;
    setResult(v.status === 'printed' ? { ok: true, text: t('staff.printer.printed') } : v.status === 'disabled' ? { ok: false, text: t('staff.event.noPrinter') } : { ok: false, text: t('staff.event.printFailed', { problem: v.problem ?? '' }) });
  };
  return (
    <section className="form-group extras" aria-labelledby="test-print">
      <h2 id="test-print" className="form-label">
        {t('staff.printer.testTitle')}
      </h2>
      <p className="hint">{dirty ? t('staff.settings.saveFirst') : t('staff.printer.testHint')}</p>
      <button type="button" className="btn btn-primary" disabled={busy || dirty} onClick={() => void test()}>
        {t('staff.printer.test')}
      </button>
      <ResultLine result={result} testid="test-print-result" />
      <h3 className="form-label">{t('staff.printer.preview')}</h3>
      <div className="pass-preview-box">
        <PassPreview model={model} settings={printer} />
      </div>
    </section>
  );
}

/** The secret names each connector reads (electron/core/mis/*: secrets.get). */
function secretsFor(mis: { connector?: string; destination?: { kind?: string; auth?: string } } | undefined): { name: string; label: string }[] {
  switch (mis?.connector) {
    case 'wonde':
      return [{ name: secretKeys.wondeToken, label: 'wondeToken' }];
    case 'powerschool':
      return [{ name: usSecretKeys.powerschoolClientSecret, label: 'powerschoolClientSecret' }];
    case 'edfi':
      return [{ name: usSecretKeys.edfiClientSecret, label: 'edfiClientSecret' }];
    case 'file':
      if (mis.destination?.kind !== 'sftp') return [];
      return mis.destination.auth === 'key' ? [{ name: usSecretKeys.sftpPrivateKey, label: 'sftpPrivateKey' }] : [{ name: usSecretKeys.sftpPassword, label: 'sftpPassword' }];
    default:
      return [];
  }
}

type MisCodes = CallResponse<'misAttendanceCodes'>;

export function MisExtras({ dirty, draft, codes, onCodes }: { dirty: boolean; draft: unknown; codes: MisCodes | null; onCodes(codes: MisCodes): void }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const mis = (draft as { mis?: Parameters<typeof secretsFor>[0] }).mis;
  const secrets = secretsFor(mis);
  const [editing, setEditing] = useState<{ name: string; label: string } | null>(null);
  const [result, setResult] = useState<Result>(null);
  const [busy, setBusy] = useState(false);
  const { stored, saved, saveSecret } = useStoredSecrets(secrets.map((s) => s.name));

  const test = async () => {
    setBusy(true);
    setResult(null);
    const res = await call('testMisConnection', {});
    setBusy(false);
    setResult(res.ok ? { ok: res.value.ok, text: res.value.message } : { ok: false, text: res.error.message });
  };

  return (
    <>
      {secrets.length > 0 && (
        <section className="form-group extras" aria-labelledby="mis-secrets">
          <h2 id="mis-secrets" className="form-label">
            {t('staff.mis.credentials')}
          </h2>
          <p className="hint">{t('staff.mis.credentialsHint')}</p>
          <SecretRows secrets={secrets} stored={stored} labelOf={(s) => t(`staff.secret.${s.label}`)} onEdit={setEditing} />
          <ResultLine result={saved} testid="secret-result" />
        </section>
      )}
      <section className="form-group extras" aria-labelledby="mis-test">
        <h2 id="mis-test" className="form-label">
          {t('staff.mis.testTitle')}
        </h2>
        <p className="hint">{dirty ? t('staff.settings.saveFirst') : t('staff.mis.testHint')}</p>
        <button type="button" className="btn btn-primary" disabled={busy || dirty} onClick={() => void test()}>
          {busy ? t('staff.mis.testing') : t('staff.mis.test')}
        </button>
        <ResultLine result={result} testid="mis-test-result" />
      </section>
      {mis?.connector && mis.connector !== 'none' && <MisCodesPanel dirty={dirty} codes={codes} onCodes={onCodes} />}
      {editing && (
        <SecretSheet
          title={t(`staff.secret.${editing.label}`)}
          onCancel={() => setEditing(null)}
          onDone={(v) => {
            const target = editing.name;
            setEditing(null);
            void saveSecret(target, v);
          }}
        />
      )}
    </>
  );
}

/** A site admin sets the receptionist's PIN, or changes their own: typed twice, never shown. */
export function PinsPanel() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [status, setStatus] = useState<CallResponse<'staffPinStatus'> | null>(null);
  const [entry, setEntry] = useState<{ role: 'receptionist' | 'site_admin'; first: string | null } | null>(null);
  const [result, setResult] = useState<Result>(null);
  const refresh = () => void window.kiosk.staffPinStatus({}).then((r) => r.ok && setStatus(r.value));
  useEffect(refresh, []);
  const done = async (role: 'receptionist' | 'site_admin', pin: string) => {
    const res = await call('setPin', { role, pin });
    // A kiosk set up before recovery codes existed gets its first one here: shown this once.
    const code = res.ok ? res.value.recoveryCode : undefined;
    setResult(res.ok ? { ok: true, text: code ? t('staff.recovery.issuedHere', { code: code.replace(/(\d{4})(?=\d)/g, '$1 ') }) : t('staff.pins.saved', { role: t(`staff.role.${role}`) }) } : { ok: false, text: res.error.issues?.[0]?.message ?? res.error.message });
    refresh();
  };
  return (
    <section className="form-group extras">
      {(['receptionist', 'site_admin'] as const).map((role) => (
        <div className="field-row" key={role} data-pin={role}>
          <span className="form-label">{t(`staff.role.${role}`)}</span>
          <span className={`chip ${status?.[role] ? 'chip-ok' : 'chip-wait'}`}>{status?.[role] ? t('staff.pins.set') : t('staff.pins.notSet')}</span>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setEntry({ role, first: null })}>
            {status?.[role] ? t('staff.pins.change') : t('staff.pins.choose')}
          </button>
        </div>
      ))}
      <p className="hint">{t('staff.pins.hint')}</p>
      <ResultLine result={result} testid="pin-result" />
      {entry && (
        <EntrySheet
          key={entry.first === null ? 'first' : 'again'}
          title={entry.first === null ? t('staff.pins.newFor', { role: t(`staff.role.${entry.role}`) }) : t('staff.pins.again')}
          initial=""
          kind="digits"
          masked
          maxLength={PIN_MAX}
          check={(v) => (v.length < PIN_MIN ? t('staff.pins.length', { min: PIN_MIN, max: PIN_MAX }) : entry.first !== null && v !== entry.first && v.length >= entry.first.length ? t('staff.setup.mismatchShort') : null)}
          onCancel={() => setEntry(null)}
          onDone={(v) => {
            if (entry.first === null) return setEntry({ ...entry, first: v });
            setEntry(null);
            if (v !== entry.first) return setResult({ ok: false, text: t('staff.setup.mismatchShort') });
            void done(entry.role, v);
          }}
        />
      )}
    </section>
  );
}

export function AuditPanel() {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const [rows, setRows] = useState<CallResponse<'auditLog'> | null>(null);
  useEffect(() => {
    void call('auditLog', { limit: 200 }).then((r) => r.ok && setRows(r.value));
  }, [call]);
  const short = (s: string | null) => (s === null ? '' : s.length > 160 ? `${s.slice(0, 160)}…` : s);
  return (
    <section className="extras">
      <p className="hint">{t('staff.audit.hint')}</p>
      <ul className="audit-list" data-testid="audit-list">
        {rows?.length === 0 && <li className="empty">{t('staff.audit.none')}</li>}
        {rows?.map((r, i) => (
          <li key={i} className="audit-row">
            <span className="audit-when">{r.at.replace('T', ' ').slice(0, 19)}</span>
            <span className="audit-who">{r.actor}</span>
            <span className="audit-what">
              {t(`staff.audit.action.${r.action}`, { defaultValue: r.action })}
              {r.subject ? ` · ${r.subject}` : ''}
            </span>
            {r.action === 'settings.update' ? (
              <ul className="audit-changes">
                {settingsChanges(parseAuditValue(r.before), parseAuditValue(r.after)).slice(0, 12).map((c) => (
                  <li key={c.path}>
                    {c.path}: {short(c.before) || '–'} → {short(c.after) || '–'}
                  </li>
                ))}
              </ul>
            ) : (
              (r.before || r.after) && (
                <span className="audit-change">
                  {short(r.before) || '–'} → {short(r.after) || '–'}
                </span>
              )
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
