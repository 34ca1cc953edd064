// Core events on their way to a screen: each payload is parsed by the contract's event schema
// first, so the renderer may rely on the shape; one that does not match is dropped and reported,
// not sent. Shared by electron/main/ipc.ts (production) and tests/e2e/kiosk-binding.ts, so the
// e2e suite forwards exactly what production would.
import { eventNames, events, type EventName, type EventPayload } from '../../../shared/ipc/contract';
import type { KioskCore } from '../kiosk';

export interface EventSink {
  /** A payload that matched its schema (the parsed value, unknown keys stripped). */
  send<E extends EventName>(name: E, payload: EventPayload<E>): void;
  /** A payload that did not match: not sent. */
  dropped(name: EventName): void;
}

/** Subscribe to every contract event of the core; returns a function that unsubscribes them all. */
export function forwardCoreEvents(core: Pick<KioskCore, 'on'>, sink: EventSink): () => void {
  const offs = eventNames.map((name) =>
    core.on(name, (payload: unknown) => {
      const parsed = events[name].safeParse(payload);
      if (!parsed.success) {
        sink.dropped(name);
        return;
      }
      sink.send(name, parsed.data);
    }),
  );
  return () => offs.forEach((off) => off());
}
