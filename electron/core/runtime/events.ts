// The kiosk's event stream to the screens (status chips, roster progress, HID scanner codes),
// typed by the IPC contract. The runtime owns the one instance; modules get `emit` only.
import { EventEmitter } from 'node:events';
import type { EventName, EventPayload } from '../../../shared/ipc/contract';

export class KioskEvents {
  private readonly emitter = new EventEmitter();

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    this.emitter.on(event, listener);
    return () => this.emitter.off(event, listener);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    this.emitter.emit(event, payload);
  }

  listening(event: EventName): boolean {
    return this.emitter.listenerCount(event) > 0;
  }

  clear(): void {
    this.emitter.removeAllListeners();
  }
}
