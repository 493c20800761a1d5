import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests start real servers on loopback; give slow probes (deliberate delays, hangs) room,
    // while each test still bounds its own waits.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Installs Debian's chromium when /usr/bin/chromium is missing (the HTML report test renders with it).
    globalSetup: ['test/setup/chromium.ts'],
    // The JSON results feed .ci/run's closing "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: '.vitest-results.json' },
  },
});
