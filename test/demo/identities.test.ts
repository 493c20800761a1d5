import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrokenApi } from '../../src/demo/broken.js';
import type { RunningServer } from '../../src/demo/common.js';
import { startFixedApi } from '../../src/demo/fixed.js';
import type { Report } from '../../src/report/types.js';
import { auditDemo } from '../helpers/demo.js';

const CHECKS = ['cross-user', 'jwt-weak-secret', 'cors'];
const findings = (report: Report) => report.items.flatMap((i) => i.findings).filter((f) => CHECKS.includes(f.checkId));
const failing = (report: Report) =>
  [
    ...new Set(
      findings(report)
        .filter((f) => f.status === 'fail')
        .map((f) => f.id),
    ),
  ].sort();

describe('the demo APIs on cross-user, jwt-weak-secret and cors', () => {
  const servers: RunningServer[] = [];
  let broken: Report;
  let fixed: Report;
  beforeAll(async () => {
    servers.push(await startBrokenApi({ slowMs: 20 }), await startFixedApi());
    [broken, fixed] = await Promise.all(servers.map((server) => auditDemo(server, { only: CHECKS })));
    if (process.env.SHOW_DEMO_FINDINGS)
      for (const f of [...findings(broken), ...findings(fixed)]) console.log(`${f.id} ${f.status} ${f.endpoint}: ${f.message}`);
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) await server.close();
  });

  it('the broken API: weak JWT secret with a forged-token proof, cross-user reads, reflected CORS', () => {
    expect(failing(broken)).toEqual([
      'cors/foreignAllowed',
      'cors/nullAllowed',
      'cors/preflightAllowed',
      'cross-user/readLeaked',
      'cross-user/writeAccepted',
      'jwt-weak-secret/forgedAccepted',
      'jwt-weak-secret/weakSecret',
    ]);
    const weak = findings(broken).find((f) => f.id === 'jwt-weak-secret/weakSecret')!;
    expect(weak.data).toMatchObject({ entry: 'you…', alg: 'HS256' });
    expect(JSON.stringify(broken)).not.toContain('your-256-bit-secret');
  });

  it('the fixed API passes all three', () => {
    expect(
      findings(fixed)
        .filter((f) => f.status !== 'pass' && f.status !== 'skip')
        .map((f) => `${f.id}: ${f.message}`),
    ).toEqual([]);
    expect(findings(fixed).map((f) => f.id)).toEqual(
      expect.arrayContaining([
        'jwt-weak-secret/strongSecret',
        'cross-user/readRefused',
        'cross-user/listSeparate',
        'cross-user/unchanged',
        'cors/foreignRefused',
      ]),
    );
  });
});
