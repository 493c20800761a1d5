import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { json, startServer, streamBytes, type TestServer } from '../helpers/servers.js';

/**
 * Hostile targets: each answers /health normally (so the run starts) and misbehaves on the API paths.
 * Every behaviour is bounded on the server side too, so a broken client cannot make a test run forever.
 */
export type Misbehaviour = (req: IncomingMessage, res: ServerResponse, server: { requests: number; die(): void }) => void;

const healthy = (req: IncomingMessage, res: ServerResponse): boolean => {
  if (req.url === '/health') {
    json(res, 200, { ok: true });
    return true;
  }
  return false;
};

export const HOSTILE: Record<string, Misbehaviour> = {
  'hangs before headers': () => undefined,
  'hangs after headers': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"data": [');
  },
  'resets mid-body': (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100000' });
    res.write('{"data": [1, 2, 3');
    setTimeout(() => req.socket.resetAndDestroy(), 20);
  },
  'streams a 500 MiB body': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    streamBytes(res, 500 * 1024 * 1024);
  },
  'sends a gzip bomb': (_req, res) => {
    // 1 GiB of zeros compresses to about 1 MiB; streamed, so the server never holds it either.
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    const gzip = createGzip({ level: 9 });
    gzip.pipe(res);
    const zeros = Buffer.alloc(1024 * 1024);
    let written = 0;
    const pump = (): void => {
      while (written < 1024) {
        written++;
        if (!gzip.write(zeros)) return void gzip.once('drain', pump);
      }
      gzip.end();
    };
    res.on('close', () => {
      gzip.removeAllListeners('drain');
      gzip.destroy();
    });
    pump();
  },
  'loops redirects': (req, res) => res.writeHead(302, { location: req.url?.endsWith('/x') ? req.url.slice(0, -2) : `${req.url}/x` }).end(),
  'drips 1 byte a second': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    const timer = setInterval(() => res.write(' '), 1000);
    res.on('close', () => clearInterval(timer));
  },
  'answers invalid UTF-8 and invalid JSON as application/json': (_req, res) => {
    const body = Buffer.concat([Buffer.from('{"data": ["'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.from('", oops}')]);
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  },
  'answers 429 to everything with Retry-After': (_req, res) =>
    json(res, 429, { error: { code: 'rate_limited', message: 'slow down' } }, { 'retry-after': '1' }),
  'dies halfway through the run': (req, res, server) => {
    if (server.requests > 40) {
      server.die();
      req.socket.destroy();
      return;
    }
    json(res, 200, { data: [], next_cursor: null });
  },
};

export async function startHostile(name: string): Promise<TestServer> {
  const behaviour = HOSTILE[name];
  if (!behaviour) throw new Error(`no hostile server ${name}`);
  const counter = { requests: 0, die: () => void server.server.close() };
  const server: TestServer = await startServer((req, res) => {
    counter.requests++;
    if (name !== 'dies halfway through the run' && healthy(req, res)) return;
    if (name === 'dies halfway through the run' && req.url === '/health' && counter.requests <= 40)
      return void json(res, 200, { ok: true });
    behaviour(req, res, counter);
  });
  return server;
}

/** A server that accepts connections and closes each at once, before any byte. */
export async function startSlammer(): Promise<TestServer> {
  const server = await startServer(() => undefined);
  server.server.on('connection', (socket: Socket) => socket.destroy());
  return server;
}

/** HTTPS on loopback with a fresh self-signed certificate (made with openssl); `files` are served as they are. */
export async function startSelfSigned(
  files: Record<string, string> = {},
): Promise<{ url: string; caFile: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'preflight-tls-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (req, res) => {
    if (req.url === '/health') return json(res, 200, { ok: true });
    const file = files[req.url ?? ''];
    if (file !== undefined) return void res.writeHead(200, { 'content-type': 'application/yaml' }).end(file);
    json(res, 200, { data: [], next_cursor: null }, { 'x-request-id': (req.headers['x-request-id'] as string | undefined) ?? 'gen' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    caFile: cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
