import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx', 'src/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Storage suites share one PostgreSQL server; each uses its own schema, so files may run in parallel.
    pool: 'forks',
  },
});
