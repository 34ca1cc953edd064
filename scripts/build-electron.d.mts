// Types for scripts/build-electron.mjs, so tests can import it under `tsc --noEmit`.
import type { Metafile } from 'esbuild';

export declare const mainExternals: string[];
export declare function buildElectron(options?: {
  outDir?: string;
  logLevel?: 'verbose' | 'debug' | 'info' | 'warning' | 'error' | 'silent';
}): Promise<{ main: Metafile; preload: Metafile }>;
