import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
    environment: 'node',
    // Ceilings for a busy CI machine, never waits: tests wait for events.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Native modules (better-sqlite3) and real sockets: forks are the safe pool.
    pool: 'forks',
  },
});
