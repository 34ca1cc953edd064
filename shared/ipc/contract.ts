// The IPC contract's index: the one source of truth for every call from the renderer to main and
// every event from main to the renderer, combined from one file per feature (kiosk.ts,
// staff-session.ts, today.ts, writeback.ts, settings.ts, roster.ts, file-export.ts,
// maintenance.ts). electron/core/ipc/dispatch.ts checks each call's role and runs its handler,
// electron/preload builds `window.kiosk` from the names, and the e2e tests bind the same map to a
// KioskCore in the test process. Add a call to its feature file first; the types follow.
import type { z } from 'zod';
import type { DuplicateKeys, NoDuplicates } from './common';
import { fileExportCalls } from './file-export';
import { kioskCalls, kioskEvents } from './kiosk';
import { maintenanceCalls } from './maintenance';
import { rosterCalls, rosterEvents } from './roster';
import { settingsCalls } from './settings';
import { staffSessionCalls } from './staff-session';
import { todayCalls } from './today';
import { writebackCalls } from './writeback';

export * from './kiosk';
export * from './staff-session';
export * from './today';
export * from './writeback';
export * from './settings';
export * from './roster';
export * from './file-export';
export * from './maintenance';
export * from './results';
export type { CallMap, CallRole, CallSpec, StaffRole } from './common';

type CallFeatures = [
  typeof kioskCalls,
  typeof staffSessionCalls,
  typeof todayCalls,
  typeof writebackCalls,
  typeof settingsCalls,
  typeof rosterCalls,
  typeof fileExportCalls,
  typeof maintenanceCalls,
];
/** A call name declared by two features does not compile: the spread below would let one win silently. */
export type NoDuplicateCalls = NoDuplicates<DuplicateKeys<CallFeatures>>;
export type NoDuplicateEvents = NoDuplicates<DuplicateKeys<[typeof kioskEvents, typeof rosterEvents]>>;

export const calls = {
  ...kioskCalls,
  ...staffSessionCalls,
  ...todayCalls,
  ...writebackCalls,
  ...settingsCalls,
  ...rosterCalls,
  ...fileExportCalls,
  ...maintenanceCalls,
} as const;

export const events = {
  ...kioskEvents,
  ...rosterEvents,
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
/** Who may make call N (see CallRole in common.ts). */
export type CallRoleOf<N extends CallName> = Calls[N]['role'];
/** What the caller sends (before zod's parse). */
export type CallRequest<N extends CallName> = z.input<Calls[N]['request']>;
/** What a handler receives: the request after zod's parse. */
export type ParsedRequest<N extends CallName> = z.output<Calls[N]['request']>;
/** What the caller gets back (after dispatch's parse of the handler's answer). */
export type CallResponse<N extends CallName> = z.output<Calls[N]['response']>;
export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.output<(typeof events)[N]>;

export const errorCodes = [
  'invalid_request',
  'validation_failed',
  'not_found',
  'locked',
  'forbidden',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export interface IpcError {
  code: ErrorCode;
  message: string;
  issues?: { path: string; message: string }[];
}

/** Errors cross the boundary as values, never as throws. */
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

/** One method per call: what `window.kiosk` offers besides `on`. */
export type KioskCalls = {
  [N in CallName]: (request: CallRequest<N>) => Promise<IpcResult<CallResponse<N>>>;
};

/** `window.kiosk`, as the preload exposes it and the e2e tests bind it. */
export type KioskApi = KioskCalls & {
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
};

/** The calls whose request carries the staff session's token (every staff call, plus staffLock and setPin). */
export type TokenCallName = { [N in CallName]: 'token' extends keyof CallRequest<N> ? N : never }[CallName];
/** A token call's request as a screen writes it: the staff store adds the session's token. */
export type TokenlessRequest<N extends TokenCallName> = Omit<CallRequest<N>, 'token'>;
/**
 * The token calls seen from the staff store. `window.kiosk` is assignable to this as it stands
 * (each call checked by name), and the generic `call(name, request)` then types without a cast.
 */
export type TokenCalls = {
  [N in TokenCallName]: (request: TokenlessRequest<N> & { token: string }) => Promise<IpcResult<CallResponse<N>>>;
};

export const callNames = Object.keys(calls) as CallName[];
export const eventNames = Object.keys(events) as EventName[];
export const IPC_CHANNEL_PREFIX = 'kiosk:';
