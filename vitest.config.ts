import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers on loopback; give slow probes (deliberate delays, hangs) room,
    // while each test still bounds its own waits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Most of a test's time is spent waiting on loopback servers (deliberate delays, hangs, Prometheus
    // scrapes), not on the CPU: vitest's default of (cores - 1) workers runs the files one at a time on
    // CI's 2 cores. Three files at once took the suite from 650 s to 265 s there, with every test passing.
    maxWorkers: 3,
    // Says up front when no Chromium is found for the HTML report test (it installs nothing; .ci/run does);
    // gives the run one temporary folder, removed at its end.
    globalSetup: ['test/setup/chromium.ts', 'test/setup/tmp.ts'],
    // The JSON results feed .ci/run's closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
