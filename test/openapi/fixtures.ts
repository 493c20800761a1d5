import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigText } from '../../src/config/load.js';
import { renderConfig } from '../../src/openapi/init.js';
import { loadSpec } from '../../src/openapi/load.js';
import { planImport, type ImportPlan } from '../../src/openapi/import-plan.js';
import type { Target } from '../../src/types.js';

/** test/fixtures/openapi: real public specs (see its README.md) and the demo API's spec. */
export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'openapi');

export async function planFor(file: string): Promise<ImportPlan> {
  return planImport(await loadSpec(file, { cwd: FIXTURES }));
}

/** `preflight init` for a fixture, then the written text through the real config loader. */
export async function initTarget(
  file: string,
  options: { baseUrl?: string; env?: Record<string, string> } = {},
): Promise<{ text: string; target: Target; plan: ImportPlan }> {
  const plan = await planFor(file);
  const written = renderConfig({
    plan,
    specName: file,
    outputName: 'preflight.yaml',
    ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}),
  });
  const env = { API_TOKEN: 'token-for-tests', API_KEY: 'key-for-tests', API_BASE_URL: 'http://127.0.0.1:9', ...options.env };
  const target = await loadConfigText(written.text, 'preflight.yaml', { env });
  return { text: written.text, target, plan };
}

export function kinds(target: Target): Record<string, string> {
  return Object.fromEntries(target.endpoints.map((e) => [e.label, e.kind]));
}
