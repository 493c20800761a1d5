// Headless Chromium for tests that look at a page: whichever Chromium test/setup/chromium.ts finds
// ($PLAYWRIGHT_CHROMIUM, $CHROME_PATH, common paths), driven by playwright-core. Fails loudly, never skips.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { findChromium, noChromiumReason } from '../setup/chromium.js';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  close(): Promise<void>;
}

/** A fresh profile (--user-data-dir) each time; playwright passes it through a persistent context. */
export async function launchChromium(options: { recordHar?: { path: string; content?: 'embed' | 'omit' } } = {}): Promise<Browser> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(noChromiumReason());
  const profile = mkdtempSync(join(tmpdir(), 'preflight-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath,
      headless: true,
      args: ARGS,
      viewport: { width: 1200, height: 900 },
      timeout: 20_000,
      // The HAR is written when the context closes.
      ...(options.recordHar ? { recordHar: options.recordHar } : {}),
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw new Error(
      `headless Chromium could not start from ${executablePath}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
    );
  }
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/**
 * Opens url in a new page and collects what a clean page must not produce: console errors and
 * warnings, uncaught exceptions, and requests to anything but the page itself.
 */
export async function openPage(
  browser: Browser,
  url: string,
  colorScheme: 'light' | 'dark' = 'light',
): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.context.newPage();
  await page.emulateMedia({ colorScheme });
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    if (request.url() !== url && !request.url().startsWith('data:')) problems.push(`requested ${request.url()}`);
  });
  await page.goto(url, { waitUntil: 'load', timeout: 10_000 });
  return { page, problems };
}

/** Share of pixels unlike the corner pixel (the background), distinct colours, and the corner colour. */
export function inkOf(png: Buffer): { ink: number; colours: number; corner: [number, number, number] } {
  const { data } = PNG.sync.read(png);
  const corner: [number, number, number] = [data[0]!, data[1]!, data[2]!];
  let different = 0;
  const colours = new Set<number>();
  for (let i = 0; i < data.length; i += 4) {
    const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
    if (Math.abs(r - corner[0]) + Math.abs(g - corner[1]) + Math.abs(b - corner[2]) > 30) different++;
    colours.add(((r >> 3) << 10) | ((g >> 3) << 5) | (b >> 3));
  }
  return { ink: different / (data.length / 4), colours: colours.size, corner };
}
