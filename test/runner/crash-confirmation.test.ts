// Class 6 of issue 28: crash attribution names only requests that could have caused it. A server
// under a supervisor dies on GET /api/items/%zz and is restarted. Before: the %00 probe, refused
// because it was sent after the death, was blamed in a second critical finding. After: a refused
// request is never a suspect, and each suspect is replayed once, alone, when the target is back:
// "confirmed: GET /api/items/%zz takes the server down (it died again when replayed)".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allFindings } from '../../src/report/common.js';
import { runAudit } from '../../src/runner/run.js';
import { sameStatusesEveryRun } from '../helpers/repeat.js';
import { json } from '../helpers/servers.js';
import { targetFor } from '../helpers/target.js';

const TOKEN = 'Bearer supervised-token';
const RESTART_MS = 300;

/** A fragile app under a supervisor: %zz in the path kills the process; the supervisor starts it again on the same port. */
class Supervised {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;
  deaths = 0;
  private restart: NodeJS.Timeout | undefined;
  private stopped = false;

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    try {
      decodeURIComponent(path); // no error handler: a URIError takes the process down
    } catch {
      this.die();
      return;
    }
    if (path === '/health') json(res, 200, { ok: true });
    else if (req.headers.authorization !== TOKEN) json(res, 401, { error: { code: 'unauthorized' } });
    else if (path === '/api/items/1') json(res, 200, { id: '1' });
    else json(res, 404, { error: { code: 'not_found' } });
  }

  private die(): void {
    this.deaths++;
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    server?.close();
    if (!this.stopped) this.restart = setTimeout(() => void this.start(), RESTART_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.restart);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

const supervised = new Supervised();
beforeAll(() => supervised.start());
afterAll(() => supervised.stop());

describe('a supervised server that dies on one request', () => {
  it('names only the request that killed it, confirmed by a replay alone, and never the refused ones, every run', async () => {
    const config = `auth:\n  headers: { Authorization: "${TOKEN}" }\npublicPaths: [/health]\nhealth: /health\nlimits: { recoveryMs: 5000, requestsPerSecond: 200 }\nendpoints:\n  - { path: "/api/items/{id}", params: { id: "1" } }\n`;
    const findings = await sameStatusesEveryRun(async () => {
      const report = await runAudit(await targetFor(`http://127.0.0.1:${supervised.port}`, config), { only: ['error-hygiene'] });
      return allFindings(report).filter((finding) => finding.id.endsWith('/tookTargetDown'));
    });
    expect(findings).toHaveLength(1);
    const [crash] = findings;
    expect(crash!.status).toBe('fail');
    expect(crash!.data?.requests).toEqual(['GET /api/items/%zz']);
    expect(crash!.data?.outcome).toMatch(/confirmed: GET \/api\/items\/%zz takes the server down \(it died again when replayed\)/);
    expect(crash!.evidence.every((exchange) => exchange.error?.code !== 'refused')).toBe(true);
    expect(supervised.deaths).toBeGreaterThanOrEqual(6); // each of three runs: the probe, then the replay
  }, 60_000);
});
