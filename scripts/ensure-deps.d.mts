// Types for scripts/ensure-deps.mjs, so tests can import it under `tsc --noEmit`.
export declare class SetupError extends Error {}
export declare function depsProblem(root: string): string | null;
export declare function ensureDeps(root: string, prefix: string): boolean;
export declare function chromiumPath(env?: Record<string, string | undefined>): string;
export declare const APT_PACKAGES: string[];
export declare const INSTALL_HINT: string;
export declare function ensureChromium(
  prefix: string,
  deps?: {
    env?: Record<string, string | undefined>;
    isExecutable?: (file: string) => boolean;
    run?: (cmd: string, args: string[]) => boolean;
    say?: (line: string) => void;
    isRoot?: boolean;
    platform?: string;
    aptGet?: string;
  },
): string | null;
