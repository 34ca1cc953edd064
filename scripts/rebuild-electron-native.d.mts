// Types for scripts/rebuild-electron-native.mjs, so tests can import it under `tsc --noEmit`.
export interface NativeStamp {
  electron: string;
  platform: string;
  arch: string;
  betterSqlite3: string;
}
export declare class NativeBuildError extends Error {}
export declare function wantedStamp(options?: { modulesDir?: string; platform?: string; arch?: string }): { stamp: NativeStamp; abi: string };
export declare function buildState(outDir: string, stamp: NativeStamp): 'fresh' | 'stale' | 'missing';
export declare function compiledAbi(file: string): string | null;
export declare function rebuildElectronNative(options?: {
  outDir?: string;
  modulesDir?: string;
  force?: boolean;
  log?: (line: string) => void;
}): Promise<{ built: boolean; file: string; stamp: NativeStamp }>;
