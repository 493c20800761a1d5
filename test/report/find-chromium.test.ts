// The browser tests find Chromium without installing anything: env first, then common paths, and a
// one-line reason when there is none.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium, noChromiumReason } from '../setup/chromium.js';

function fakeBrowser(dir: string, name: string, executable = true): string {
  const file = join(dir, name);
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, executable ? 0o755 : 0o644);
  return file;
}

describe('finding Chromium for the browser tests', () => {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-find-chromium-'));
  const common = fakeBrowser(dir, 'chromium');
  const missing = join(dir, 'nothing-here');

  it('prefers PLAYWRIGHT_CHROMIUM, then CHROME_PATH, then the common paths', () => {
    const pw = fakeBrowser(dir, 'pw-chrome');
    const chrome = fakeBrowser(dir, 'chrome');
    expect(findChromium({ PLAYWRIGHT_CHROMIUM: pw, CHROME_PATH: chrome }, [common])).toBe(pw);
    expect(findChromium({ PLAYWRIGHT_CHROMIUM: missing, CHROME_PATH: chrome }, [common])).toBe(chrome);
    expect(findChromium({}, [missing, common])).toBe(common);
  });

  it('skips files that are not executable', () => {
    const plain = fakeBrowser(dir, 'not-executable', false);
    expect(findChromium({ CHROME_PATH: plain }, [common])).toBe(common);
  });

  it('finds nothing and says why in one line naming every place it looked', () => {
    expect(findChromium({ CHROME_PATH: missing }, [])).toBeUndefined();
    const reason = noChromiumReason({ CHROME_PATH: missing }, ['/usr/bin/chromium']);
    expect(reason.split('\n')).toHaveLength(1);
    expect(reason).toContain(missing);
    expect(reason).toMatch(/PLAYWRIGHT_CHROMIUM or CHROME_PATH/);
  });
});
