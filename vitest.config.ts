import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers on loopback; give slow probes (deliberate delays, hangs) room,
    // while each test still bounds its own waits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Says up front when no Chromium is found for the HTML report test (it installs nothing; .ci/run does).
    globalSetup: ['test/setup/chromium.ts'],
    // The JSON results feed .ci/run's closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
