import { describe, expect, it } from 'vitest';
import { loadConfigText } from '../../src/config/load.js';
import { ConfigError } from '../../src/config/errors.js';
import { clientFor } from '../helpers/target.js';
import { json, startServer } from '../helpers/servers.js';

const yaml = (extra: string): string =>
  `target:\n  baseUrl: http://127.0.0.1:9\nauth:\n  headers: { Authorization: "Bearer main-token-1234" }\n${extra}`;

describe('auth.identities and discover', () => {
  it('loads other identities; every value is a secret, from env or written', async () => {
    const target = await loadConfigText(
      yaml('  identities:\n    other: { headers: { Authorization: "Bearer ${OTHER}" }, query: { key: literal-key-5678 } }\n'),
      't.yaml',
      { env: { OTHER: 'other-token-9999' } },
    );
    expect(target.auth.identities).toEqual({
      other: { headers: { Authorization: 'Bearer other-token-9999' }, query: { key: 'literal-key-5678' } },
    });
    expect(target.secrets.map((s) => s.value)).toEqual(
      expect.arrayContaining(['Bearer other-token-9999', 'other-token-9999', 'literal-key-5678']),
    );
    expect(target.discover).toBe(true);
  });

  it('discover: false, and a bad identity key is a one-line config error', async () => {
    expect((await loadConfigText(yaml('discover: false\n'), 't.yaml', { env: {} })).discover).toBe(false);
    await expect(loadConfigText(yaml('  identities:\n    other: { header: {} }\n'), 't.yaml', { env: {} })).rejects.toThrow(ConfigError);
  });

  it('the client sends as another identity only when asked, and refuses an unknown one', async () => {
    const server = await startServer((req, res) => json(res, 200, { auth: req.headers.authorization ?? null, url: req.url }));
    try {
      const target = await loadConfigText(
        yaml('  identities:\n    other: { headers: { Authorization: "Bearer other-token-9999" }, query: { k: v1 } }\n').replace(
          'http://127.0.0.1:9',
          server.url,
        ),
        't.yaml',
        { env: {} },
      );
      const http = await clientFor(target);
      const main = await http.send({ method: 'GET', path: '/x' });
      const other = await http.send({ method: 'GET', path: '/x', identity: 'other' });
      const anonymous = await http.send({ method: 'GET', path: '/x', identity: 'other', auth: false });
      await expect(http.send({ method: 'GET', path: '/x', identity: 'nobody' })).rejects.toThrow(/no identity "nobody"/);
      await http.close();
      expect(server.requests.map((r) => [r.headers.authorization, r.url])).toEqual([
        ['Bearer main-token-1234', '/x'],
        ['Bearer other-token-9999', '/x?k=v1'],
        [undefined, '/x'],
      ]);
      // Recorded redacted, like the main credentials.
      expect(JSON.stringify([main.exchange, other.exchange, anonymous.exchange])).not.toMatch(/token-1234|token-9999/);
    } finally {
      await server.close();
    }
  });
});
