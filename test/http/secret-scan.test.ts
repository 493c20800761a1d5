// The leaked-credential detector: each shape the issue names is found and masked with its kind,
// length and a short prefix; ordinary ids, UUIDs, content hashes and prose are left alone.
import { describe, expect, it } from 'vitest';
import { findSecrets, maskSecrets, secretHeaderValue } from '../../src/http/secret-scan.js';
import { LEAKED, PEM } from '../fixtures/leaked-secrets.js';

describe('findSecrets', () => {
  const cases: Array<[string, string, string]> = [
    ['AWS secret key under its env name', `AWS_SECRET_ACCESS_KEY=${LEAKED.awsSecret}`, 'AWS secret key'],
    ['AWS secret key in JSON', `{"aws_secret_access_key": "${LEAKED.awsSecret}"}`, 'AWS secret key'],
    [
      'AWS secret key on its own near an AWS name',
      `AWS credentials: ${LEAKED.awsAccessKey} ${LEAKED.awsSecret} (rotate)`,
      'AWS secret key',
    ],
    ['AWS access key id', `id=${LEAKED.awsAccessKey}`, 'AWS access key id'],
    ['Stripe live key', `{"key":"${LEAKED.stripe}"}`, 'Stripe live secret key'],
    ['Stripe restricted key', `rk: ${LEAKED.stripeRestricted}`, 'Stripe live restricted key'],
    ['GitHub token', `token ${LEAKED.github}`, 'GitHub token'],
    ['Slack token', `slack=${LEAKED.slack}`, 'Slack token'],
    ['JWT', `{"session":"${LEAKED.jwt}"}`, 'JWT'],
    ['database URL password', `connect postgres://app:${LEAKED.dbPassword}@db.internal:5432/orders failed`, 'password in URL'],
    ['bcrypt hash', `{"hash":"${LEAKED.bcrypt}"}`, 'bcrypt hash'],
    ['argon2 hash', `{"pw":"${LEAKED.argon2}"}`, 'argon2 hash'],
    ['PEM private key', PEM, 'private key'],
    ['PEM private key in JSON', JSON.stringify({ private_key: PEM }), 'private key'],
    ['a cut PEM private key', PEM.slice(0, 80), 'private key'],
    ['password field', '{"user":"ann","password":"hunter22!"}', 'password field'],
    ['client_secret field', '{"client_secret":"9fQm2LxR7vTz4KpB8sWn3Yc"}', 'client_secret field'],
    ['api_key query parameter', 'GET /x?api_key=Zr8Qm2LxR7vTz4KpB8sW&limit=10', 'api_key field'],
    ['token inside JSON in a string', '{"log":"{\\"token\\":\\"Qm2LxR7vTz4KpB8sWn3Yc9\\"}"}', 'token field'],
    ['bearer credential in a body', 'headers: Authorization: Bearer Qm2LxR7vTz4KpB8sWn3Yc9aa', 'bearer credential'],
  ];
  it.each(cases)('finds %s', (_name, text, kind) => {
    const hits = findSecrets(text);
    expect(hits.map((h) => h.kind)).toContain(kind);
    const masked = maskSecrets(text);
    expect(masked).toContain(`[${kind}, `);
    for (const value of Object.values(LEAKED)) if (text.includes(value)) expect(masked).not.toContain(value);
    // Idempotent: the redactor may see a masked text again.
    expect(maskSecrets(masked)).toBe(masked);
  });

  it('keeps kind, length and a short prefix', () => {
    expect(maskSecrets(`AWS_SECRET_ACCESS_KEY=${LEAKED.awsSecret}`)).toBe('AWS_SECRET_ACCESS_KEY=[AWS secret key, 40 chars, wJal…]');
    expect(maskSecrets(`x ${LEAKED.stripe}`)).toBe('x [Stripe live secret key, 32 chars, sk_l…]');
    expect(maskSecrets('{"password":"hunter22!"}')).toBe('{"password":"[password field, 9 chars, h…]"}');
    expect(maskSecrets(PEM)).toBe(`[private key, ${PEM.length} chars]`);
  });

  it('masks only the password of a URL, so the host stays readable', () => {
    expect(maskSecrets(`mysql://root:${LEAKED.dbPassword}@10.0.0.5/app`)).toBe(
      'mysql://root:[password in URL, 19 chars, S3c…]@10.0.0.5/app',
    );
  });

  const negatives: Array<[string, string]> = [
    ['UUIDs', '{"id":"550e8400-e29b-41d4-a716-446655440000","order":"6ba7b810-9dad-11d1-80b4-00c04fd430c8"}'],
    [
      'SHA-1 and SHA-256 content hashes',
      '{"etag":"2fd4e1c67a2d28fced849ee1bb76e7391b93eb12","sha256":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"}',
    ],
    ['base64 content digest', 'digest: sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE='],
    ['ordinary ids', '{"id":"ord_8f2k1m9x","customer":"cus_NffrFeUfNV2Hib","sku":"A1-BLUE-XL","job":"01HZX3K9V2Q8RMN4T5W6Y7Z8AB"}'],
    [
      'token metadata',
      '{"token_type":"Bearer","expires_in":3600,"token_url":"https://auth.example.com/oauth/token","password_changed_at":"2026-01-01T00:00:00Z"}',
    ],
    ['placeholders', '{"password":"***","secret":"${SECRET}","api_key":null,"token":"<redacted>","pwd":"********"}'],
    ['prose', 'The password must be at least 12 characters; the token expires after an hour. See /docs/auth/tokens.'],
    ['a URL without a password', 'see https://user@example.com/path and postgres://db.internal:5432/orders'],
    ['paths', '/api/v1/orders/12345/items/ABCDEF/history/2026/01/02/details'],
    ['a pagination cursor without a dot', '{"next_cursor":"eyJpZCI6MTIzLCJ0cyI6MTcwMDAwMDAwMH0"}'],
    ['a stack trace', 'Error: connect ECONNREFUSED 10.0.0.5:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)'],
    [
      'an unsigned (alg:none) JWT, which anyone can write',
      'Authorization: Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJwcmVmbGlnaHQtcHJvYmUiLCJyb2xlIjoiYWRtaW4ifQ.',
    ],
    [
      'pagination tokens',
      '{"next_page_token":"Cg8KDWl0ZW1fMDAwMDAwMjASBQiAwN4B","nextPageToken":"Q2c4S0RXbDBaVzFmTURBd01EQXdNakE"} GET /v1/items?page_token=Cg8KDWl0ZW1fMDAwMDAwMjA',
    ],
    ['a made-up probe token', "curl -H 'Authorization: Bearer not-a-valid-token' -H 'Authorization: Bearer preflight-wrong-scheme'"],
    ['a mask already written', '{"password":"[password field, 9 chars, h…]","k":"[AWS secret key, 40 chars, wJal…]"}'],
  ];
  it.each(negatives)('leaves %s alone', (_name, text) => {
    expect(findSecrets(text)).toEqual([]);
    expect(maskSecrets(text)).toBe(text);
  });

  it('reports positions that point at the value, never the value itself', () => {
    const text = `{"a":1,"db":"postgres://u:${LEAKED.dbPassword}@h/db"}`;
    const [h] = findSecrets(text);
    expect(text.slice(h!.start, h!.end)).toBe(LEAKED.dbPassword);
    expect(JSON.stringify(h)).not.toContain(LEAKED.dbPassword);
  });

  it('masks a whole header value when the header is named for a credential and the value looks like one', () => {
    expect(secretHeaderValue('x-auth-token', '3f9a0c1b7e2d4a6f8b0c1d2e3f4a5b6c')?.masked).toBe('[x-auth-token header, 32 chars, 3f9a…]');
    expect(secretHeaderValue('access-control-allow-credentials', 'true')).toBeUndefined();
    expect(secretHeaderValue('x-request-id', '3f9a0c1b7e2d4a6f8b0c1d2e3f4a5b6c')).toBeUndefined();
    expect(secretHeaderValue('x-token-type', 'Bearer')).toBeUndefined();
  });
});
