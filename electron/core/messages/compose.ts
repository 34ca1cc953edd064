// What an event tells home, decided once: whether it is a message at all (an early sign-out, a
// late arrival after the unauthorised time), which of the student's contacts are told, and the
// words, rendered now from the school's templates and kept with the row, so that a resend after
// a crash is the very same message with the very same Message-ID.
import { randomUUID } from 'node:crypto';
import type { NewMessage, MessageKind } from '../db/messages';
import { defaultTemplates, isEmailAddress, renderTemplate, type MessageSettings, type TemplateValues } from '../../../shared/messages';
import { groupForStudent, resolveRules, splitReasonLabel, type SiteSettings } from '../../../shared/settings';
import type { SignEvent, Student } from '../../../shared/model';
import { contact, type Contact } from '../roster/model';

/** A contact as the roster stored it (the roster's own schema: the one home of a contact's shape). */
export type ContactView = Contact;

/** Stored contacts through the roster's schema; anything that does not fit is passed over. */
export function readContacts(raw: unknown[]): ContactView[] {
  return raw.flatMap((c) => {
    const r = contact.safeParse(c);
    return r.success ? [r.data] : [];
  });
}

/**
 * The contacts the school chose. `priority_1`: those with the lowest priority number given; when
 * the roster gives no priorities at all, the first contact listed (every source lists the main
 * contact first). `parental_responsibility`: those the roster marks so. `all`: every contact.
 */
export function chooseContacts(contacts: ContactView[], rule: MessageSettings['recipients']): ContactView[] {
  if (rule === 'all') return contacts;
  if (rule === 'parental_responsibility') return contacts.filter((c) => c.parentalResponsibility === true);
  const ranked = contacts.filter((c) => c.priority !== null);
  if (ranked.length === 0) return contacts.slice(0, 1);
  const top = Math.min(...ranked.map((c) => c.priority!));
  return ranked.filter((c) => c.priority === top);
}

/** Which message this event is, if any, under the school's settings. */
export function messageKindFor(event: Pick<SignEvent, 'direction' | 'session' | 'localTime' | 'supersedes'>, student: Student, settings: SiteSettings): MessageKind | null {
  const m = settings.messages;
  if (!m.enabled || event.supersedes) return null;
  const rules = resolveRules(settings, groupForStudent(settings, student));
  if (event.direction === 'sign_out') {
    // A sign-out after the school day has ended is going home, not leaving early.
    return m.earlyLeave && event.localTime < rules.sessions.PM.end ? 'early_leave' : null;
  }
  if (!m.lateArrival || !event.session) return null;
  // "After 09:20" starts at 09:21, as for the unauthorised code itself (minute resolution).
  return event.localTime > rules.sessions[event.session].unauthorisedAfter ? 'late_arrival' : null;
}

export function templateValues(event: SignEvent, student: Student, settings: SiteSettings, collectedBy: string | null): TemplateValues {
  return {
    forename: student.forename,
    surname: student.surname,
    school: settings.schoolName,
    date: event.localDate,
    time: event.localTime,
    reason: event.reasonLabel ? splitReasonLabel(event.reasonLabel).text : '',
    collectedBy: collectedBy ?? '',
    minutesLate: event.minutesLate === null ? '' : String(event.minutesLate),
    year: student.year === null ? '' : String(student.year),
    form: student.form ?? '',
  };
}

export interface Composed {
  messages: NewMessage[];
  /** Why nothing (or less than expected) was queued, for the log: "no contact with an e-mail address". */
  note: string | null;
}

/** A stable, globally unique Message-ID (RFC 5322 §3.6.4) in the sender's own domain. */
export function newMessageId(from: string): string {
  const domain = /@([^@\s>]+)$/.exec(from)?.[1] ?? 'passdesk.invalid';
  return `<${randomUUID()}@${domain}>`;
}

/** The webhook's JSON body (docs/webhook.md): everything a text-message service needs. */
export function webhookBody(
  deliveryId: string,
  kind: MessageKind,
  event: Pick<SignEvent, 'id' | 'direction' | 'occurredAt' | 'localDate' | 'localTime' | 'reasonLabel' | 'code' | 'minutesLate'>,
  student: Pick<Student, 'id' | 'misId' | 'forename' | 'surname' | 'year' | 'form'>,
  settings: SiteSettings,
  contacts: ContactView[],
  text: string,
  collectedBy: string | null,
): string {
  const type = kind === 'early_leave' ? 'student.signed_out_early' : kind === 'late_arrival' ? 'student.arrived_late' : 'test';
  return JSON.stringify({
    id: deliveryId,
    type,
    school: settings.schoolName,
    locale: settings.locale,
    student: { id: student.id, misId: student.misId, forename: student.forename, surname: student.surname, year: student.year, form: student.form },
    event: {
      id: event.id,
      direction: event.direction,
      occurredAt: event.occurredAt,
      localDate: event.localDate,
      localTime: event.localTime,
      reason: event.reasonLabel ? splitReasonLabel(event.reasonLabel).text : null,
      code: event.code,
      minutesLate: event.minutesLate,
      collectedBy,
    },
    contacts: contacts.map((c) => ({ name: c.name, relationship: c.relationship, phone: c.phone, email: c.email, priority: c.priority, parentalResponsibility: c.parentalResponsibility })),
    text,
  });
}

/** The messages for one event (none when the school does not want one). */
export function composeForEvent(
  event: SignEvent,
  student: Student,
  settings: SiteSettings,
  rawContacts: unknown[],
  nowIso: string,
  /** From event_collectors, the collector's one home (never the MIS comment, which a school may keep it off). */
  collectedBy: string | null,
): Composed {
  const kind = messageKindFor(event, student, settings);
  if (!kind) return { messages: [], note: 'not a message event' };
  const m = settings.messages;
  const chosen = chooseContacts(readContacts(rawContacts), m.recipients);
  const values = templateValues(event, student, settings, collectedBy);
  const words = m.templates[settings.locale] ?? defaultTemplates[settings.locale];
  const subject = renderTemplate(kind === 'early_leave' ? words.earlySubject : words.lateSubject, values);
  const body = renderTemplate(kind === 'early_leave' ? words.earlyBody : words.lateBody, values);
  const giveUpAt = new Date(Date.parse(nowIso) + m.giveUpHours * 3_600_000).toISOString();
  const messages: NewMessage[] = [];
  const notes: string[] = [];
  if (m.email.enabled) {
    const seen = new Set<string>();
    for (const c of chosen) {
      if (!c.email || !isEmailAddress(c.email) || seen.has(c.email.toLowerCase())) continue;
      seen.add(c.email.toLowerCase());
      messages.push({ eventId: event.id, studentId: student.id, kind, channel: 'email', recipient: c.email, recipientName: c.name, messageId: newMessageId(m.email.sender), subject, body, giveUpAt });
    }
    if (seen.size === 0) notes.push(chosen.length ? 'no chosen contact has an e-mail address' : `no contact matches "${m.recipients}"`);
  }
  if (m.webhook.enabled && m.webhook.address) {
    const id = randomUUID();
    messages.push({
      eventId: event.id,
      studentId: student.id,
      kind,
      channel: 'webhook',
      recipient: m.webhook.address,
      recipientName: null,
      messageId: id,
      subject,
      body: webhookBody(id, kind, event, student, settings, chosen, body, collectedBy),
      giveUpAt,
    });
  }
  if (!m.email.enabled && !m.webhook.enabled) notes.push('neither e-mail nor the webhook is switched on');
  return { messages, note: notes.length ? notes.join('; ') : null };
}
