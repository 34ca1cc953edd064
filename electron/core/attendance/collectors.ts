// Issue 17: "Who is collecting you?" The student's contacts from the roster become big buttons
// (names and relationships only: phone numbers and e-mail addresses never leave the core), plus
// "Someone else", whose event waits for reception to approve.
import { byPriority, contact, type Contact } from '../roster/model';
import type { CollectorRepository, CollectorRow } from '../db/collectors';
import { CoreError } from '../errors';
import type { CollectorChoice, CollectorOption } from '../../../shared/roll-call';

/** The student's stored contacts that have a name, in the school's priority order. */
export function namedContacts(repo: CollectorRepository, studentId: string): Contact[] {
  const parsed = repo
    .storedContacts(studentId)
    .map((c) => contact.safeParse(c))
    .filter((r) => r.success)
    .map((r) => r.data);
  return byPriority(parsed.filter((c) => c.name));
}

/** What the kiosk may show: index, name, relationship. */
export function collectorOptions(repo: CollectorRepository, studentId: string): CollectorOption[] {
  return namedContacts(repo, studentId).map((c, index) => ({ index, name: c.name!, relationship: c.relationship }));
}

export type ResolvedCollector = Pick<CollectorRow, 'name' | 'relationship' | 'kind' | 'approval'>;

/** The tapped button → the collector to store; a contact that is no longer there is refused. */
export function resolveCollector(repo: CollectorRepository, studentId: string, choice: CollectorChoice): ResolvedCollector {
  if ('someoneElse' in choice) return { name: choice.someoneElse.trim(), relationship: null, kind: 'someone_else', approval: 'pending' };
  const c = namedContacts(repo, studentId)[choice.contact];
  if (!c) throw new CoreError('invalid_request', 'That contact is not on the student’s list any more. Choose again, or “Someone else”.');
  return { name: c.name!, relationship: c.relationship, kind: 'contact', approval: 'not_needed' };
}
