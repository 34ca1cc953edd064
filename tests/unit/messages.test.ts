// Telling home (issue 17, part 3), the pure parts: templates and their checks, the settings an
// admin saves, which contacts are told, which events are messages, and how a failure is sorted.
import { describe, expect, it } from 'vitest';
import { defaultTemplates, renderTemplate, templateProblems, webhookUrlProblem } from '../../shared/messages';
import { describeIssues, siteSettings, type SiteSettings } from '../../shared/settings';
import { defaultSettings } from '../../shared/defaults';
import { chooseContacts, messageKindFor, readContacts } from '../../electron/core/messages/compose';
import { classifySmtpError } from '../../electron/core/messages/mailer';
import { classifyHttp, retryAfterMs, signWebhook } from '../../electron/core/messages/webhook';
import type { Student } from '../../shared/model';

const settingsWith = (messages: unknown) => siteSettings.safeParse({ ...defaultSettings, messages });
const issuesOf = (messages: unknown) => {
  const r = settingsWith(messages);
  return r.success ? [] : describeIssues(r.error);
};

describe('templates', () => {
  it('fills every placeholder, unknown values empty, never "undefined"', () => {
    expect(renderTemplate('{forename} left at {time} ({ collectedBy })', { forename: 'Amelia', time: '10:42' })).toBe('Amelia left at 10:42 ()');
  });

  it('names a misspelt placeholder and an unpaired brace', () => {
    expect(templateProblems('Hello {forname}')).toEqual([expect.stringContaining('{forname} is not a placeholder. Use one of {forename}')]);
    expect(templateProblems('Left at {time')).toEqual(['A { or } has no partner: write placeholders as {forename}.']);
    expect(templateProblems(defaultTemplates['en-GB'].earlyBody)).toEqual([]);
    expect(templateProblems(defaultTemplates['en-US'].lateBody)).toEqual([]);
  });

  it('the settings refuse a bad template at its own field, and a subject with a line break', () => {
    const t = { ...defaultTemplates['en-GB'], earlyBody: 'Dear {parent}', earlySubject: 'two\nlines' };
    const issues = issuesOf({ templates: { 'en-GB': t } });
    expect(issues.map((i) => i.path)).toEqual(['messages.templates.en-GB.earlySubject', 'messages.templates.en-GB.earlyBody']);
  });
});

describe('message settings', () => {
  it('default: off, priority 1, e-mail on 587 with STARTTLS, templates in both languages', () => {
    const s = siteSettings.parse(defaultSettings);
    expect(s.messages).toMatchObject({ enabled: false, earlyLeave: true, lateArrival: false, recipients: 'priority_1', email: { enabled: false, port: 587, security: 'starttls' }, keepDays: 30 });
    expect(s.messages.templates['en-US'].earlySubject).toContain('checked out');
  });

  it('e-mail switched on needs a server name and a sender address, said at their fields', () => {
    expect(issuesOf({ email: { enabled: true } }).map((i) => i.path)).toEqual(['messages.email.server', 'messages.email.sender']);
    expect(issuesOf({ email: { enabled: true, server: 'smtp://smtp.office365.com:587', sender: 'office@school.example' } })).toEqual([
      { path: 'messages.email.server', message: 'Enter a server name or address only, without smtp:// or a port.' },
    ]);
    expect(issuesOf({ email: { enabled: true, server: 'smtp.office365.com', sender: 'office@school.example' } })).toEqual([]);
  });

  it('the webhook is https, or http to this machine only; typos in keys are refused', () => {
    expect(webhookUrlProblem('http://sms.example.com/hook')).toContain('https://');
    expect(webhookUrlProblem('http://127.0.0.1:8080/hook')).toBeNull();
    expect(webhookUrlProblem('https://sms.example.com/hook')).toBeNull();
    expect(issuesOf({ webhook: { enabled: true } })).toEqual([{ path: 'messages.webhook.address', message: 'Enter the address the school’s service gave you.' }]);
    expect(issuesOf({ webhok: {} })).toEqual([{ path: 'messages.webhok', message: 'unknown setting' }]);
  });
});

describe('who is told', () => {
  const contacts = readContacts([
    { name: 'Gran', relationship: 'Grandmother', email: 'gran@x.example', priority: 3, parentalResponsibility: false },
    { name: 'Ann', relationship: 'Mother', email: 'ann@x.example', priority: 1, parentalResponsibility: true },
    { name: 'Ben', relationship: 'Father', email: null, priority: 2, parentalResponsibility: true },
    'not a contact',
  ]);

  it('priority 1: the lowest priority number given', () => {
    expect(chooseContacts(contacts, 'priority_1').map((c) => c.name)).toEqual(['Ann']);
  });

  it('a roster with no priorities (before F17a, or a CSV without them): the first contact listed', () => {
    const old = readContacts([{ name: 'Carer', relationship: null, phone: null, email: 'c@x.example' }, { name: 'Other', email: 'o@x.example' }]);
    expect(old[0]).toMatchObject({ priority: null, parentalResponsibility: null });
    expect(chooseContacts(old, 'priority_1').map((c) => c.name)).toEqual(['Carer']);
    expect(chooseContacts(old, 'parental_responsibility')).toEqual([]);
  });

  it('parental responsibility, or everyone', () => {
    expect(chooseContacts(contacts, 'parental_responsibility').map((c) => c.name)).toEqual(['Ann', 'Ben']);
    expect(chooseContacts(contacts, 'all')).toHaveLength(3);
  });
});

describe('which events are messages', () => {
  const student: Student = { id: 's', misId: null, forename: 'A', surname: 'B', year: 9, form: null, groupId: null, badge: null, photo: null, active: true };
  const on = (m: object = {}): SiteSettings => siteSettings.parse({ ...defaultSettings, messages: { enabled: true, ...m } });
  const ev = (direction: 'sign_in' | 'sign_out', localTime: string, session: 'AM' | 'PM' | null = 'AM') => ({ direction, localTime, session, supersedes: null });

  it('an early sign-out, not one after the school day; nothing while switched off', () => {
    expect(messageKindFor(ev('sign_out', '10:30'), student, on())).toBe('early_leave');
    expect(messageKindFor(ev('sign_out', '15:45', null), student, on())).toBeNull();
    expect(messageKindFor(ev('sign_out', '10:30'), student, siteSettings.parse(defaultSettings))).toBeNull();
    expect(messageKindFor(ev('sign_out', '10:30'), student, on({ earlyLeave: false }))).toBeNull();
  });

  it('a late arrival only after the unauthorised time (09:20: from 09:21), only when chosen', () => {
    expect(messageKindFor(ev('sign_in', '09:21'), student, on())).toBeNull();
    expect(messageKindFor(ev('sign_in', '09:20'), student, on({ lateArrival: true }))).toBeNull();
    expect(messageKindFor(ev('sign_in', '09:21'), student, on({ lateArrival: true }))).toBe('late_arrival');
    expect(messageKindFor(ev('sign_in', '13:16', 'PM'), student, on({ lateArrival: true }))).toBe('late_arrival');
  });

});

describe('failures sorted by what to do about them', () => {
  const at = { host: 'smtp.school.example', port: 587 };
  it('SMTP: 4xx transient, 5xx permanent, 535 auth, refused and timeouts transient', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 452, response: '452 4.2.2 Mailbox full' }, at)).toMatchObject({ transient: true, kind: 'smtp_4xx' });
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 554, response: '554 5.7.1 Rejected' }, at)).toMatchObject({ transient: false, kind: 'smtp_5xx' });
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535, response: '535 5.7.8 Authentication credentials invalid' }, at)).toMatchObject({ kind: 'auth' });
    expect(classifySmtpError({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.5:587' } as object, at)).toMatchObject({
      transient: true,
      kind: 'refused',
      message: expect.stringContaining('smtp.school.example:587 (connection refused)'),
    });
    expect(classifySmtpError({ code: 'ETIMEDOUT', message: 'Greeting never received' }, at)).toMatchObject({ transient: true, kind: 'timeout' });
    expect(classifySmtpError({ code: 'EDNS', message: 'getaddrinfo ENOTFOUND' }, at)).toMatchObject({ transient: true, kind: 'dns' });
  });

  it('HTTP: 2xx done; 408/429 and 5xx try later; other 4xx refused for good', () => {
    expect(classifyHttp(204, '', undefined)).toEqual({ ok: true, reply: 'HTTP 204' });
    expect(classifyHttp(429, 'slow down', 30_000)).toMatchObject({ ok: false, transient: true, retryAfterMs: 30_000 });
    expect(classifyHttp(408, '', undefined)).toMatchObject({ ok: false, transient: true });
    expect(classifyHttp(410, 'gone', undefined)).toMatchObject({ ok: false, transient: false, message: expect.stringContaining('Check the webhook address') });
    expect(classifyHttp(502, '', undefined)).toMatchObject({ ok: false, transient: true, kind: 'http_5xx' });
  });

  it('Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('2015-10-21T07:27:00Z'))).toBe(60_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
  });

  it('the signature is HMAC-SHA256 over "<timestamp>.<body>" (vector from openssl dgst -hmac)', () => {
    expect(signWebhook('whsec_example', 1700000000, '{"id":"abc"}')).toBe('sha256=67dd00622a13e63dd86d07d3fe2f8a9469ce69037c0184b0c3d01c00e2c8ac5e');
  });
});

describe('the log file', () => {
  it('never gets an address from a server’s reply', async () => {
    const { withoutAddresses } = await import('../../electron/core/messages/service');
    expect(withoutAddresses('550 5.1.1 <ann@parents.example>: Recipient address rejected')).toBe('550 5.1.1 <[address]>: Recipient address rejected');
  });
});
