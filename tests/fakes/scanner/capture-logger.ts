// A Logger that keeps what it was told, so a test can check what an admin would read in the
// log, and that no scanned code ever reached it.
import type { Logger } from '../../../electron/core/logging/logger';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields: Record<string, unknown>;
}

export function captureLogger(): Logger & { entries: LogEntry[]; text(): string } {
  const entries: LogEntry[] = [];
  const at = (level: LogEntry['level']) => (msg: string, fields: Record<string, unknown> = {}) => {
    entries.push({ level, msg, fields });
  };
  return {
    entries,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => entries.map((e) => `${e.level} ${e.msg} ${JSON.stringify(e.fields)}`).join('\n'),
  };
}
