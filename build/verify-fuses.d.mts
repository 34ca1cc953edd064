// Types for build/verify-fuses.mjs (imported by tests/unit/fleet-packaging.test.ts).
export function expectedFuses(configFile?: string): Record<number, boolean>;
export function verifyFuses(binary: string, configFile?: string): Promise<{ ok: boolean; lines: string[] }>;
