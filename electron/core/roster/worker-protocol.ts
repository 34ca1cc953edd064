// The messages between RosterService (main thread) and the import worker (types only).
import type { RosterPage } from '../mis/types';
import type { JobFinish, JobInput } from './import-job';
import type { ImportProgress, RosterErrorKind } from './model';
import type { SourceSpec } from './sources/spec-types';

export interface WorkerStart {
  /** The kiosk database file: the worker opens its own connection to it. */
  file: string;
  nativeBinding?: string;
  /** mainWriteGate's buffer: the main thread's transactions go first. */
  gate: SharedArrayBuffer;
  job: JobInput;
  spec: SourceSpec;
}

export type ToWorker = { type: 'start'; start: WorkerStart } | { type: 'abort' } | { type: 'page'; id: number; page?: RosterPage; error?: string };

export type FromWorker =
  /** Its code is loaded: it waits for its 'start'. */
  | { type: 'ready' }
  | { type: 'progress'; progress: ImportProgress }
  | { type: 'log'; level: 'debug' | 'info' | 'warn' | 'error'; msg: string; fields?: Record<string, unknown> }
  | { type: 'page'; id: number; cursor: string | null }
  | { type: 'done'; finish: JobFinish }
  | { type: 'failed'; rosterError?: { kind: RosterErrorKind; message: string }; message: string; stack?: string };
