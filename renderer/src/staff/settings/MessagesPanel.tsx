// Below the "Messages home" settings (issue 17, part 3): the two credentials (write-only, into the
// secret store), "send a test message" by e-mail and to the webhook, and the message log with each
// message's state and the reason it waits or failed, in words the admin can act on.
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CallResponse } from '../../../../shared/ipc/contract';
import { isEmailAddress, messageSecretKeys } from '../../../../shared/messages';
import { EntrySheet } from '../components/Sheet';
import { Segmented } from '../components/Segmented';
import { useStaff } from '../context';
import { ResultLine, SecretRows, SecretSheet, useStoredSecrets, type Result } from './extras';

type Log = CallResponse<'messageLog'>;
type Filter = 'all' | 'pending' | 'sent' | 'failed';

const SECRETS = [
  { name: messageSecretKeys.smtpPassword, label: 'smtpPassword' },
  { name: messageSecretKeys.webhookSecret, label: 'webhookSecret' },
] as const;

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 16) : '');

export function MessagesPanel({ dirty, draft }: { dirty: boolean; draft: unknown }) {
  const { t } = useTranslation();
  const call = useStaff((s) => s.call);
  const m = (draft as { messages?: { email?: { enabled?: boolean; sender?: string }; webhook?: { enabled?: boolean } } }).messages;
  const [editing, setEditing] = useState<(typeof SECRETS)[number] | 'testTo' | null>(null);
  const { stored, saved, saveSecret } = useStoredSecrets(SECRETS.map((s) => s.name));
  const [test, setTest] = useState<Result>(null);
  const [busy, setBusy] = useState(false);
  const [testTo, setTestTo] = useState('');
  const [log, setLog] = useState<Log | null>(null);
  const [filter, setFilter] = useState<Filter>('all');
  const [retried, setRetried] = useState<Result>(null);

  const refresh = useCallback(() => {
    void call('messageLog', { state: filter, offset: 0, limit: 50 }).then((r) => r.ok && setLog(r.value));
  }, [call, filter]);
  useEffect(refresh, [refresh]);
  const sendTest = async (channel: 'email' | 'webhook') => {
    setBusy(true);
    setTest(null);
    const res = await call('sendTestMessage', { channel, ...(channel === 'email' && testTo ? { to: testTo } : {}) });
    setBusy(false);
    setTest(res.ok ? { ok: res.value.ok, text: res.value.message } : { ok: false, text: res.error.message });
    refresh();
  };

  const retryFailed = async () => {
    const res = await call('retryMessages', { ids: 'all_failed' });
    setRetried(res.ok ? { ok: true, text: t('staff.messages.retried', { count: res.value.retried }) } : { ok: false, text: res.error.message });
    refresh();
  };

  return (
    <>
      <section className="form-group extras" aria-labelledby="messages-secrets">
        <h2 id="messages-secrets" className="form-label">
          {t('staff.messages.credentials')}
        </h2>
        <p className="hint">{t('staff.messages.credentialsHint')}</p>
        <SecretRows secrets={SECRETS} stored={stored} labelOf={(s) => t(`staff.messages.${s.label}`)} onEdit={(s) => setEditing(s)} />
        <ResultLine result={saved} testid="messages-secret-result" />
      </section>

      <section className="form-group extras" aria-labelledby="messages-test">
        <h2 id="messages-test" className="form-label">
          {t('staff.messages.testTitle')}
        </h2>
        <p className="hint">{dirty ? t('staff.settings.saveFirst') : t('staff.messages.testHint')}</p>
        <div className="field-row">
          <span className="form-label">{t('staff.messages.testTo')}</span>
          <span className="chip chip-quiet">{testTo || m?.email?.sender || '–'}</span>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing('testTo')}>
            {t('staff.mis.replace')}
          </button>
        </div>
        <div className="field-row">
          <button type="button" className="btn btn-primary" disabled={busy || dirty || !m?.email?.enabled} onClick={() => void sendTest('email')} data-testid="messages-test-email">
            {busy ? t('staff.messages.sending') : t('staff.messages.testEmail')}
          </button>
          <button type="button" className="btn btn-secondary" disabled={busy || dirty || !m?.webhook?.enabled} onClick={() => void sendTest('webhook')} data-testid="messages-test-webhook">
            {t('staff.messages.testWebhook')}
          </button>
        </div>
        <ResultLine result={test} testid="messages-test-result" />
      </section>

      <section className="form-group extras" aria-labelledby="messages-log">
        <h2 id="messages-log" className="form-label">
          {t('staff.messages.logTitle')}
        </h2>
        <p className="hint">
          {t('staff.messages.logHint')} {log ? t('staff.messages.counts', { sent: log.counts.sent ?? 0, pending: (log.counts.pending ?? 0) + (log.counts.sending ?? 0), failed: log.counts.failed ?? 0 }) : ''}
        </p>
        <div className="field-row">
          <Segmented<Filter>
            label={t('staff.messages.logTitle')}
            value={filter}
            onChange={setFilter}
            options={(['all', 'pending', 'sent', 'failed'] as const).map((f) => ({ value: f, label: t(`staff.messages.filter.${f}`) }))}
          />
          <button type="button" className="btn btn-secondary btn-small" disabled={!log?.counts.failed} onClick={() => void retryFailed()}>
            {t('staff.messages.retryFailed')}
          </button>
        </div>
        <ResultLine result={retried} testid="messages-retry-result" />
        <ul className="audit-list message-log" data-testid="message-log">
          {log?.rows.length === 0 && <li className="empty">{t('staff.messages.none')}</li>}
          {log?.rows.map((r) => (
            <li key={r.id} className="audit-row message-row" data-state={r.state}>
              <span className="audit-when">{when(r.createdAt)}</span>
              <span className={`chip ${r.state === 'sent' ? 'chip-ok' : r.state === 'failed' ? 'chip-bad' : 'chip-wait'}`}>{t(`staff.messages.state.${r.state}`)}</span>
              <span className="audit-what">
                {t(`staff.messages.kind.${r.kind}`)}
                {r.studentName ? ` · ${r.studentName}` : ''} · {t(`staff.messages.channel.${r.channel}`)} → {r.toName ? `${r.toName} <${r.to}>` : r.to}
              </span>
              <span className="audit-change">
                {t('staff.messages.attempts', { count: r.attempts })}
                {r.state === 'pending' && r.nextAttemptAt ? ` · ${t('staff.messages.nextTry', { time: when(r.nextAttemptAt) })}` : ''}
                {r.state === 'sent' && r.serverReply ? ` · ${r.serverReply}` : ''}
              </span>
              {r.reason && r.state !== 'sent' && <span className={`message-reason ${r.state === 'failed' ? 'field-problem' : 'message-reason-wait'}`}>{r.reason}</span>}
            </li>
          ))}
        </ul>
      </section>

      {editing && editing !== 'testTo' && (
        <SecretSheet
          title={t(`staff.messages.${editing.label}`)}
          onCancel={() => setEditing(null)}
          onDone={(v) => {
            const target = editing.name;
            setEditing(null);
            void saveSecret(target, v);
          }}
        />
      )}
      {editing === 'testTo' && (
        <EntrySheet
          title={t('staff.messages.testTo')}
          initial={testTo || m?.email?.sender || ''}
          kind="text"
          maxLength={254}
          check={(v) => (isEmailAddress(v.trim()) ? null : t('staff.messages.testTo'))}
          onCancel={() => setEditing(null)}
          onDone={(v) => {
            setEditing(null);
            setTestTo(v.trim());
          }}
        />
      )}
    </>
  );
}
