import { defineConfig } from 'vitest/config';

// Two projects: unit tests need no server; integration tests get a real
// Temporal dev server and PostgreSQL started once by test/setup/servers.ts.
// HELPDESK_CANARY=1 runs only test/canary/ (a test that fails on purpose) in
// the integration project's set-up: see test/integration/failing-test-fails-the-build.test.ts.
const canary = process.env.HELPDESK_CANARY === '1';

export default defineConfig({
  test: {
    reporters: ['default', './test/setup/summary-reporter.ts'],
    passWithNoTests: canary,
    projects: [
      {
        test: { name: 'unit', include: canary ? [] : ['test/unit/**/*.test.ts'], environment: 'node' },
      },
      {
        test: {
          name: 'integration',
          include: canary ? ['test/canary/**/*.test.ts'] : ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/setup/servers.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
