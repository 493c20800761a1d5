// Issue 21 item 5: the credential scanner reads every recorded body, so a body built from credential
// shapes must cost it little and break nothing. Speed is measured in the bench (bench/scanner.ts);
// here: what the scanner returns on such bodies, and that an audit answered with them sends the
// same requests as one answered with plain text.
import { describe, expect, it } from 'vitest';
import { LeakMaskingRedactor } from '../../src/http/leak-redactor.js';
import { findSecrets, MAX_HITS_PER_TEXT, MAX_SCAN_CHARS } from '../../src/http/secret-scan.js';
import { json, startServer } from '../helpers/servers.js';
import { auditEverything } from '../untrusted/audit.js';

const MiB = 1024 * 1024;
const fill = (unit: string, n: number): string => unit.repeat(Math.ceil(n / unit.length)).slice(0, n);

describe('the credential scanner on bodies made of credential shapes (issue 21 item 5)', () => {
  it('a 1 MiB wall of key shapes returns at most MAX_HITS_PER_TEXT hits and does not throw', () => {
    for (const unit of ['AKIAAKIAAKIAAKIAAKIA ', 'pwd=Xy7$kQ&', 'postgres://a:b@']) {
      const hits = findSecrets(fill(unit, MiB));
      expect(hits.length).toBeGreaterThan(0);
      expect(hits.length).toBeLessThanOrEqual(MAX_HITS_PER_TEXT);
    }
  });

  it('a name inside the value of the name before it is part of that value, not a hit of its own', () => {
    const hits = findSecrets(`pwd=${fill('pwd=', 400)}`);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ start: 4, kind: 'pwd field' });
  });

  it('redact() input is bounded like a body: the rest is cut, saying so', () => {
    const out = new LeakMaskingRedactor([]).text(fill('a', MAX_SCAN_CHARS + 5000));
    expect(out.length).toBeLessThan(MAX_SCAN_CHARS + 100);
    expect(out).toMatch(/…\(5000 more characters not shown\)$/);
  });

  it('an audit answered with "pwd=pwd=…" bodies sends the requests one answered with plain text sends, and masks the body', async () => {
    const received: Record<string, Record<string, number>> = {};
    for (const unit of ['note', 'pwd=']) {
      const server = await startServer((req, res) => {
        if (req.url === '/health') return json(res, 200, { ok: true });
        json(res, 200, { data: [], note: fill(unit, 64 * 1024) });
      });
      try {
        const out = await auditEverything(
          `target: { baseUrl: "${server.url}" }\nhealth: /health\ndiscover: false\nendpoints:\n  - { path: /api/a }\n  - { path: /api/b }\nlimits: { requestsPerSecond: 5000, maxRequests: 300 }\nlatency: { samples: 4 }\n`,
        );
        expect([0, 1], out.stderr).toContain(out.code);
        const counts: Record<string, number> = {};
        for (const r of server.requests) {
          // Probes of made-up paths carry a random suffix per run.
          const key = `${r.method} ${r.url.split('?')[0]!.replace(/-[0-9a-f]{8}$/, '-RANDOM')}`;
          counts[key] = (counts[key] ?? 0) + 1;
        }
        received[unit] = counts;
        if (unit === 'pwd=') {
          expect(out.files.json).toContain('[pwd field, ');
          expect(
            JSON.parse(out.files.json).items.flatMap((i: { findings: Array<{ id: string }> }) => i.findings.map((f) => f.id)),
          ).not.toContain(expect.stringMatching(/crashed$/));
        }
      } finally {
        await server.close();
      }
    }
    expect(received['pwd=']).toEqual(received.note);
  });
});
