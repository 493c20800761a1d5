// A HAR recorded by Playwright's recordHar from a real (headless) Chromium driving a small web app
// that calls its JSON API with a bearer token and a session cookie; then `init --from-har`, the
// config loaded, audited against the same app, and searched for every credential the HAR holds.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBody } from '../../src/demo/common.js';
import { launchChromium } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { importAndAudit } from './import-helpers.js';

const TOKEN = 'tok-9d8c7b6a5f4e3d2c1b0a';
const COOKIE = 'sid-4f1e2d3c4b5a69788796';
const PASSWORD = 'pw-correct-horse-battery';

const PAGE = `<!doctype html><html><head><title>shop</title></head><body><p id="out">loading</p><script src="/app.js"></script></body></html>`;

/** The app's own code: log in, list orders, open two, place one, check health, ping an analytics origin. */
const appJs = (other: string) => `
(async () => {
  const login = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice', password: '${PASSWORD}' }) });
  const { token } = await login.json();
  const auth = { authorization: 'Bearer ' + token };
  const list = await (await fetch('/api/orders?limit=2', { headers: auth })).json();
  for (const order of list.data) await fetch('/api/orders/' + order.id, { headers: auth });
  await fetch('/api/orders', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'A1', qty: 1 }) });
  await fetch('/health', { credentials: 'omit' });
  await fetch('${other}/collect?e=view', { mode: 'no-cors' }).catch(() => undefined);
  document.getElementById('out').textContent = 'done';
})();
`;

const servers: TestServer[] = [];
let app: TestServer;
let dir: string;

beforeAll(async () => {
  const analytics = await startServer((_req, res) => res.writeHead(204).end());
  servers.push(analytics);
  app = await startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://app');
    const rid = { 'x-request-id': `r-${Math.random().toString(36).slice(2, 10)}` };
    if (url.pathname === '/')
      return void res
        .writeHead(200, { 'content-type': 'text/html', 'set-cookie': `sid=${COOKIE}; Path=/; HttpOnly; SameSite=Lax` })
        .end(PAGE);
    if (url.pathname === '/app.js') return void res.writeHead(200, { 'content-type': 'text/javascript' }).end(appJs(analytics.url));
    if (url.pathname === '/health') return json(res, 200, { status: 'ok' }, rid);
    const body = req.method === 'POST' ? await readBody(req, 10_000) : undefined;
    if (url.pathname === '/api/login' && req.method === 'POST') {
      const sent = JSON.parse(body?.text || '{}');
      return sent.password === PASSWORD ? json(res, 200, { token: TOKEN }, rid) : json(res, 401, { error: 'bad credentials' }, rid);
    }
    const signedIn = req.headers.authorization === `Bearer ${TOKEN}` && (req.headers.cookie ?? '').includes(`sid=${COOKIE}`);
    if (!signedIn) return json(res, 401, { error: 'unauthorized' }, rid);
    if (url.pathname === '/api/orders' && req.method === 'GET')
      return json(
        res,
        200,
        {
          data: [
            { id: 101, sku: 'A1' },
            { id: 202, sku: 'B2' },
          ],
          next_cursor: null,
        },
        rid,
      );
    if (url.pathname === '/api/orders' && req.method === 'POST') return json(res, 201, { id: 303 }, rid);
    const one = /^\/api\/orders\/(\d+)$/.exec(url.pathname);
    if (one && req.method === 'GET') return json(res, 200, { id: Number(one[1]), sku: 'A1' }, rid);
    return json(res, 404, { error: 'not found' }, rid);
  });
  servers.push(app);

  dir = mkdtempSync(join(tmpdir(), 'preflight-har-'));
  const browser = await launchChromium({ recordHar: { path: join(dir, 'traffic.har'), content: 'embed' } });
  try {
    const page = await browser.context.newPage();
    await page.goto(app.url, { waitUntil: 'load', timeout: 10_000 });
    await page.waitForFunction(() => document.getElementById('out')?.textContent === 'done', undefined, { timeout: 10_000 });
  } finally {
    await browser.close(); // writes the HAR
  }
}, 60_000);

afterAll(async () => {
  while (servers.length) await servers.pop()!.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('init --from-har with a recording made by Playwright in Chromium', () => {
  it('the recording really holds the credentials the importer must keep out', () => {
    const har = readFileSync(join(dir, 'traffic.har'), 'utf8');
    for (const secret of [TOKEN, COOKIE, PASSWORD]) expect(har).toContain(secret);
    expect(har).toContain('/app.js');
  });

  it('turns the API calls into endpoints with templates, a list, a write body and auth placeholders, and audits the app with it', async () => {
    const result = await importAndAudit(dir, ['--from-har', 'traffic.har'], {
      env: { API_TOKEN: TOKEN, API_KEY: COOKIE },
      secrets: [TOKEN, COOKIE, PASSWORD],
    });
    expect(Object.fromEntries(result.target.endpoints.map((e) => [e.label, e.kind]))).toEqual({
      'POST /api/login': 'write',
      'GET /api/orders': 'list',
      'GET /api/orders/{id}': 'read',
      'POST /api/orders': 'write',
    });
    const byLabel = (label: string) => result.target.endpoints.find((e) => e.label === label)!;
    // Two recorded ids collapse into one template, with a real id as the example.
    expect(byLabel('GET /api/orders/{id}').params).toEqual({ id: '101' });
    expect(byLabel('GET /api/orders').query).toEqual({ limit: '2' });
    expect(byLabel('GET /api/orders').pagination).toMatchObject({ limitParam: 'limit', dataField: 'data' });
    expect(byLabel('POST /api/orders').body).toEqual({ sku: 'A1', qty: 1 });
    // The recorded password is not carried over.
    expect(byLabel('POST /api/login').body).toEqual({ username: 'alice', password: 'TODO' });
    expect(result.target.health).toBe('/health');
    expect(result.target.baseUrl).toBe(app.url);
    // The credentials became placeholders, and init says what to set.
    expect(result.text).toContain('Authorization: "Bearer ${API_TOKEN}"');
    expect(result.text).toContain('Cookie: "sid=${API_KEY}"');
    expect(result.init.stdout).toContain('set API_TOKEN: a bearer token (was the recorded authorization header)');
    expect(result.init.stdout).toContain('set API_KEY: the API key (cookie sid) (was the recorded cookie sid)');
    // Static assets and the other origin are left out.
    expect(result.text).not.toContain('app.js');
    expect(result.text).not.toContain('/collect');
    expect(result.init.stderr).toMatch(/recorded request\(s\) left out: static assets or other origins/);
    // The audit's requests reached the app with the credentials from the environment.
    expect(app.requests.some((r) => r.url === '/api/orders?limit=2' && r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  }, 60_000);

  it('asks for --base-url when the API calls go to several origins', async () => {
    const har = JSON.parse(readFileSync(join(dir, 'traffic.har'), 'utf8'));
    const copy = structuredClone(har.log.entries.find((e: { request: { url: string } }) => e.request.url.includes('/api/orders?')));
    copy.request.url = 'http://127.0.0.2:9/api/other';
    har.log.entries.push(copy);
    writeFileSync(join(dir, 'two.har'), JSON.stringify(har));
    const refused = await runCli(['init', '--from-har', 'two.har', '-o', '-'], { cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^preflight: two\.har: holds API calls to 2 origins \(.*\) \(choose one with --base-url\)\n$/);
    for (const secret of [TOKEN, COOKIE, PASSWORD]) expect(refused.stderr).not.toContain(secret);
    const chosen = await runCli(['init', '--from-har', 'two.har', '--base-url', app.url, '-o', '-'], { cwd: dir });
    expect(chosen.code, chosen.stderr).toBe(0);
    expect(chosen.stdout).not.toContain('/api/other');
  });
});
