import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { loadConfigText } from '../../src/config/load.js';
import { loadReportFile } from '../../src/report/load.js';
import { render } from '../../src/report/render.js';
import type { Report } from '../../src/report/types.js';
import { loadChecks } from '../../src/runner/registry.js';
import { runAudit } from '../../src/runner/run.js';
import { detectStacks, observationsOf, type Observation } from '../../src/stack/detect.js';
import { loadStacks, stackIds } from '../../src/stack/registry.js';
import { json, startServer, type TestServer } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const CONFIG = 'endpoints:\n  - { method: GET, path: /api/orders }\npublicPaths: [/api/orders]\n';

describe('stack packs are data, one file per stack', () => {
  it('has a pack for every stack the issue names, each keyed by verdicts the checks declare as fail or warn', async () => {
    const packs = await loadStacks();
    expect(packs.map((p) => p.id).sort()).toEqual(
      [
        'aspnet-core',
        'caddy',
        'django',
        'envoy',
        'express',
        'fastapi',
        'fastify',
        'flask',
        'go',
        'koa',
        'nestjs',
        'nginx',
        'rails',
        'spring-boot',
      ].sort(),
    );
    expect(stackIds().sort()).toEqual(packs.map((p) => p.id).sort());
    const verdicts = new Map(
      (await loadChecks()).flatMap((check) =>
        Object.entries(check.meta.verdicts).map(([id, spec]) => [`${check.meta.id}/${id}`, spec.status]),
      ),
    );
    for (const pack of packs) {
      const keys = Object.keys(pack.fixes);
      expect(keys.length, pack.id).toBeGreaterThanOrEqual(pack.kind === 'proxy' ? 5 : 10);
      for (const key of keys)
        expect([`${pack.id} ${key}`, verdicts.get(key)]).toEqual([`${pack.id} ${key}`, expect.stringMatching(/^(fail|warn)$/)]);
      for (const fix of Object.values(pack.fixes)) if (fix.snippet) expect(fix.language, pack.id).toMatch(/^[a-z]+$/);
    }
  });
});

/** One answer as detection sees it. */
function seen(status: number, body: string, headers: Record<string, string> = {}, path = '/preflight-not-found-1'): Observation {
  return { method: 'GET', path, status, headers, body };
}

describe('detection from what the audit saw', () => {
  // Stacks that do not run on this machine: their documented defaults, as the audit would record them.
  const cases: Array<[string, Observation[], string[]]> = [
    [
      'Spring Boot error JSON',
      [seen(404, '{"timestamp":"2026-01-05T10:00:00.000+00:00","status":404,"error":"Not Found","path":"/x"}')],
      ['spring-boot'],
    ],
    ['Kestrel', [seen(200, '[]', { server: 'Kestrel' }, '/api/orders')], ['aspnet-core']],
    [
      'ASP.NET Core problem details',
      [
        seen(
          404,
          '{"type":"https://tools.ietf.org/html/rfc9110#section-15.5.5","title":"Not Found","status":404,"traceId":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"}',
        ),
      ],
      ['aspnet-core'],
    ],
    ['Rails headers', [seen(200, '[]', { 'x-runtime': '0.012345', 'x-request-id': 'f0e1' }, '/api/orders')], ['rails']],
    ['Go ServeMux 404', [seen(404, '404 page not found\n', { 'content-type': 'text/plain; charset=utf-8' })], ['go']],
    ['nginx', [seen(200, '[]', { server: 'nginx/1.25.3' }, '/api/orders')], ['nginx']],
    ['Caddy', [seen(200, '[]', { server: 'Caddy' }, '/api/orders')], ['caddy']],
    ['Envoy named by Via', [seen(200, '[]', { via: '1.1 envoy' }, '/api/orders')], ['envoy']],
    ['Envoy', [seen(200, '[]', { server: 'envoy', 'x-envoy-upstream-service-time': '3' }, '/api/orders')], ['envoy']],
    [
      'FastAPI behind nginx: the framework first, then the proxy',
      [seen(404, '{"detail":"Not Found"}', { server: 'nginx' })],
      ['fastapi', 'nginx'],
    ],
    [
      'NestJS on Express: Nest hides Express',
      [
        seen(200, '[]', { 'x-powered-by': 'Express' }, '/api/orders'),
        seen(404, '{"message":"Cannot GET /x","error":"Not Found","statusCode":404}', { 'x-powered-by': 'Express' }),
      ],
      ['nestjs'],
    ],
    ['server: uvicorn alone is not enough', [seen(200, '[]', { server: 'uvicorn' }, '/api/orders')], []],
    ["a bare 'Not Found' without Koa's content type", [seen(404, 'Not Found')], []],
    [
      "'Not Found' as Koa sends it, behind a server that names itself",
      [seen(404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8', server: 'gunicorn' })],
      [],
    ],
    [
      "'Not Found' as Koa sends it, but Caddy's Server header: Caddy, not Koa",
      [seen(404, 'Not Found', { 'content-type': 'text/plain; charset=utf-8', server: 'Caddy' })],
      ['caddy'],
    ],
  ];
  it.each(cases)('%s', async (_name, observations, expected) => {
    const found = detectStacks(await loadStacks(), observations);
    expect(found.map((match) => match.id)).toEqual(expected);
    for (const match of found) expect(match.evidence.length).toBeGreaterThan(0);
  });
});

describe('detection from OpenAPI documents and doc paths', () => {
  it('a served document where discovery found it counts as a hint, with another signal', async () => {
    const packs = await loadStacks();
    const cookie = { 'set-cookie': 'JSESSIONID=***; Path=/; HttpOnly' };
    expect(detectStacks(packs, observationsOf([], { url: 'http://127.0.0.1:9/v3/api-docs' })).map((m) => m.id)).toEqual([]);
    const both = detectStacks(packs, [
      ...observationsOf([], { url: 'http://127.0.0.1:9/v3/api-docs' }),
      seen(200, '[]', cookie, '/api/orders'),
    ]);
    expect(both).toEqual([
      {
        id: 'spring-boot',
        name: 'Spring Boot',
        kind: 'framework',
        evidence: ['the servlet `JSESSIONID` cookie (GET /api/orders → 200)', 'springdoc / actuator paths (GET /v3/api-docs → 200)'],
      },
    ]);
  });

  it.each([
    [
      'springdoc',
      '{"openapi":"3.0.1","info":{"title":"OpenAPI definition","version":"v0"},"servers":[{"url":"http://x","description":"Generated server url"}],"paths":{}}',
      'spring-boot',
    ],
    ['NSwag', '{"x-generator": "NSwag v14.0.0.0 (NJsonSchema v11.0.0.0 (Newtonsoft.Json v13.0.0.0))","openapi":"3.0.0"}', 'aspnet-core'],
  ])('a %s document names its framework', async (_name, body, id) => {
    expect(detectStacks(await loadStacks(), [seen(200, body, {}, '/openapi.json')]).map((m) => m.id)).toEqual([id]);
  });
});

describe('a plain node:http server, the config override and every format', () => {
  let plainJson: TestServer;
  let plainText: TestServer;
  beforeAll(async () => {
    plainJson = await startServer((req, res) =>
      req.url?.startsWith('/api/orders') ? json(res, 200, { data: [{ id: 1 }] }) : json(res, 404, { error: 'not found' }),
    );
    plainText = await startServer((req, res) => {
      if (req.url?.startsWith('/api/orders')) return json(res, 200, []);
      res.statusCode = 404;
      res.end('Not Found');
    });
  });
  afterAll(async () => {
    await Promise.all([plainJson.close(), plainText.close()]);
  });

  it.each([
    ['JSON errors', () => plainJson],
    ['bare text errors', () => plainText],
  ])('claims no framework on a plain node:http server (%s)', async (_name, server) => {
    const report = await runAudit(await targetFor(server().url, CONFIG), { only: ['request-id', 'unknown-route'] });
    expect(report.stack).toEqual({ source: 'detected', stacks: [] });
    expect(report.items.flatMap((item) => item.findings).filter((f) => f.stackRemediation)).toEqual([]);
    expect(await render(report, 'markdown', { color: false, verbose: false })).toContain('**Stack:** not recognised from the answers');
  });

  describe('stack: in the config', () => {
    let report: Report;
    beforeAll(async () => {
      report = await runAudit(await targetFor(plainJson.url, `${CONFIG}stack: [fastapi, nginx]\n`), { only: ['request-id'] });
    });

    it('overrides detection, and each finding carries the fix of every named stack that has one', () => {
      expect(report.stack).toEqual({
        source: 'config',
        stacks: [
          { id: 'fastapi', name: 'FastAPI / Starlette', kind: 'framework', evidence: ['named in the config (stack:)'] },
          { id: 'nginx', name: 'nginx', kind: 'proxy', evidence: ['named in the config (stack:)'] },
        ],
      });
      const finding = report.items.flatMap((item) => item.findings).find((f) => f.id === 'request-id/notEchoed');
      expect(finding?.stackRemediation?.map((fix) => fix.stack)).toEqual(['fastapi', 'nginx']);
      const passed = report.items.flatMap((item) => item.findings).filter((f) => f.status === 'pass');
      expect(passed.filter((f) => f.stackRemediation)).toEqual([]);
    });

    it('notes a stack the answers show that the config does not name', async () => {
      const express = await startServer((req, res) => {
        res.setHeader('x-powered-by', 'Express');
        json(res, req.url?.startsWith('/api/orders') ? 200 : 404, {});
      });
      try {
        const named = await runAudit(await targetFor(express.url, `${CONFIG}stack: fastapi\n`), { only: ['request-id'] });
        expect(named.stack?.stacks.map((s) => s.id)).toEqual(['fastapi']);
        expect(named.notes).toContainEqual(
          expect.stringMatching(/^stack: in the config names fastapi, but the answers look like Express too \(`X-Powered-By: Express`/),
        );
        expect(report.notes.filter((note) => note.startsWith('stack:'))).toEqual([]);
      } finally {
        await express.close();
      }
    });

    it('terminal and Markdown say "In <stack>: …" with the snippet under the finding', async () => {
      const terminal = await render(report, 'terminal', { color: false, verbose: false });
      expect(terminal).toContain('Stack: FastAPI / Starlette (named in the config) + nginx (named in the config)');
      expect(terminal).toContain('    In FastAPI / Starlette: Add an HTTP middleware');
      expect(terminal).toContain('      @app.middleware("http")');
      expect(terminal).toContain('    In nginx: Pass the caller');
      // Three request-id findings share the snippet: printed once, then pointed to.
      expect(terminal.split('@app.middleware("http")').length - 1).toBe(1);
      expect(terminal).toContain('    In FastAPI / Starlette: (the snippet above)');
      const markdown = await render(report, 'markdown', { color: false, verbose: false });
      expect(markdown).toContain('  - **In FastAPI / Starlette:** Add an HTTP middleware');
      expect(markdown).toMatch(/ {4}```python\n {4}import re\n/);
      expect(markdown).toMatch(/ {4}```nginx\n {4}map \$http_x_request_id/);
    });

    it('HTML shows the stack badges and the snippet in a code block; SARIF rule help carries it', async () => {
      const html = await render(report, 'html', { color: false, verbose: false });
      expect(html).toContain('<span class="stack-badge" title="named in the config (stack:)">FastAPI / Starlette</span>');
      expect(html).toContain('<pre><code class="language-python">import re');
      expect(html).toContain('request.headers.get(&quot;x-request-id&quot;, &quot;&quot;)');
      const sarif = JSON.parse(await render(report, 'sarif', { color: false, verbose: false })) as {
        runs: Array<{ tool: { driver: { rules: Array<{ id: string; help: { text: string; markdown: string } }> } } }>;
      };
      const rule = sarif.runs[0]!.tool.driver.rules.find((r) => r.id === 'request-id/notEchoed')!;
      expect(rule.help.text).toContain('In FastAPI / Starlette: Add an HTTP middleware');
      expect(rule.help.markdown).toContain('````python\nimport re');
      expect(rule.help.text).toContain('In nginx:');
    });

    it('JSON carries stack and stackRemediation, valid against schema/report.schema.json', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'stack-report-'));
      writeFileSync(join(dir, 'report.json'), await render(report, 'json', { color: false, verbose: false }));
      const loaded = await loadReportFile('report.json', dir);
      expect(loaded.stack).toEqual(report.stack);
      const finding = loaded.items.flatMap((item) => item.findings).find((f) => f.id === 'request-id/notEchoed');
      expect(finding?.stackRemediation?.[0]).toMatchObject({
        stack: 'fastapi',
        language: 'python',
        snippet: expect.stringContaining('call_next'),
      });
    });
  });

  it('a saved report is untrusted: stack text from it cannot inject into any format', async () => {
    const report = await runAudit(await targetFor(plainJson.url, `${CONFIG}stack: fastapi\n`), { only: ['request-id'] });
    const hostile = {
      stack: 'fastapi',
      name: '<img src=x onerror=alert(1)>\u001b[31m',
      fix: 'fix\n✓ gate PASSED \u001b]8;;http://evil\u0007',
      snippet: 'a\n```\n</code></pre><script>alert(1)</script>\n\u001b[2J',
      language: 'js\n# injected',
    };
    for (const finding of report.items.flatMap((item) => item.findings)) if (finding.stackRemediation) finding.stackRemediation = [hostile];
    report.stack = {
      source: 'detected',
      stacks: [{ id: 'fastapi', name: '<b>x</b>', kind: 'framework', evidence: ['<script>y</script>\u001b[0m'] }],
    };
    const terminal = await render(report, 'terminal', { color: false, verbose: false });
    const markdown = await render(report, 'markdown', { color: false, verbose: false });
    const html = await render(report, 'html', { color: false, verbose: false });
    for (const out of [terminal, markdown, html]) expect(out).not.toContain('\u001b');
    expect(terminal).not.toMatch(/^✓ gate PASSED/m);
    expect(html).not.toMatch(/<script>alert|<img src=x|<b>x<\/b>|<script>y/);
    expect(markdown).not.toContain('# injected');
    // The snippet's own ``` cannot close the fence it is shown in.
    expect(markdown).toMatch(/ {4}````\n {4}a\n {4}```\n/);
  });

  it("a verdict the named pack has no entry for keeps the verdict's own remediation only", async () => {
    const report = await runAudit(await targetFor(plainJson.url, `${CONFIG}stack: caddy\n`), { only: ['request-id'] });
    const failed = report.items.flatMap((item) => item.findings).filter((f) => f.status === 'fail');
    expect(failed.map((f) => f.id)).toContain('request-id/notEchoed');
    for (const finding of failed) {
      expect(finding.stackRemediation).toBeUndefined();
      expect(finding.remediation).toMatch(/request-id header/);
    }
    expect(await render(report, 'markdown', { color: false, verbose: false })).not.toContain('**In Caddy:**');
  });

  it('refuses an unknown stack: in the config with the line and the nearest name', async () => {
    const text = `target:\n  baseUrl: http://127.0.0.1:9\nstack: [fastapy]\n`;
    const error = await loadConfigText(text, 'bad.yaml', { env: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/^bad\.yaml:3:\d+: .*unknown stack "fastapy".*did you mean fastapi\?/);
    const single = await loadConfigText('target:\n  baseUrl: http://127.0.0.1:9\nstack: django\n', 'ok.yaml', { env: {} });
    expect(single.stack).toEqual(['django']);
  });
});
