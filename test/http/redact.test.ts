import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/http/redact.js';

describe('Redactor', () => {
  const redactor = new Redactor([{ value: 'tok-5d7a1c9e3b2f', envVar: 'TOKEN' }, { value: 'abc' }]);

  it('replaces whole secrets and their URL-encoded and base64 forms', () => {
    expect(redactor.text('Bearer tok-5d7a1c9e3b2f')).toBe('Bearer ***');
    expect(redactor.text(`Basic ${Buffer.from('tok-5d7a1c9e3b2f').toString('base64')}`)).toBe('Basic ***');
  });

  it('replaces a cut-off start of a secret (half of it or more), wherever it stands', () => {
    expect(redactor.text('{"token":"tok-5d7a1c')).toBe('{"token":"***');
    expect(redactor.text('x tok-5d7a1c9e… y')).toBe('x ***… y');
    // Less than half is not enough to call it the secret.
    expect(redactor.text('tok-5d7')).toBe('tok-5d7');
    // A start followed by ordinary text is a word that begins the same way, not a cut-off secret.
    expect(new Redactor([{ value: 'default-deny-token' }]).text('the API is not default-deny, so')).toBe('the API is not default-deny, so');
  });

  it('leaves secrets shorter than 4 characters alone rather than blank out common text', () => {
    expect(redactor.text('abc def')).toBe('abc def');
  });
});

describe('Redactor: every form a configured secret takes', () => {
  const secret = "ak_live~Key!(s3cret)99 x'y";
  const redactor = new Redactor([{ value: secret }]);
  const readable = (text: string): boolean => /s3cret|S3CRET|Key!|KEY!/.test(text);

  it.each([
    ['as the client sends it in a query (URLSearchParams)', `?k=${new URLSearchParams({ k: secret }).toString().slice(2)}&x=1`],
    ['encodeURIComponent', encodeURIComponent(secret)],
    ['percent-encoded with lower-case hex', encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase())],
    ['every character percent-encoded', [...Buffer.from(secret)].map((b) => `%${b.toString(16)}`).join('')],
    ['in a URL path (WHATWG URL)', new URL(`http://h/t/${secret}`).pathname],
    ['base64', Buffer.from(secret).toString('base64')],
    ['upper-cased', `token=${secret.toUpperCase()}`],
    ['hex-encoded', Buffer.from(secret).toString('hex')],
    ['hex-encoded, upper case', Buffer.from(secret).toString('hex').toUpperCase()],
    ['HTML entities, decimal', [...secret].map((ch) => `&#${ch.charCodeAt(0)};`).join('')],
    ['HTML entities, hex, only some', secret.replace(/[!'()~]/g, (ch) => `&#x${ch.charCodeAt(0).toString(16)};`)],
    ['JSON \\u escapes', JSON.stringify(secret).replace(/[a-z]/g, (ch) => `\\u00${ch.charCodeAt(0).toString(16)}`)],
    ['split over lines', `{"t": "${secret.slice(0, 9)}\n  ${secret.slice(9, 17)}\r\n${secret.slice(17)}"}`],
    ['split with escaped line breaks', JSON.stringify(`${secret.slice(0, 12)}\n${secret.slice(12)}`)],
  ])('%s', (_name, text) => {
    const out = redactor.text(text);
    expect(out).toContain('***');
    expect(readable(out), out).toBe(false);
  });

  it('a slash escaped as \\/ in JSON', () => {
    const r = new Redactor([{ value: 'tenant/acme-5d7a1c9e' }]);
    expect(r.text('{"p":"/t/tenant\\/acme-5d7a1c9e/x"}')).toBe('{"p":"/t/***/x"}');
    expect(r.text('"tenant\\/acme-5d7a1c9e"')).toBe('"***"');
  });

  it("a Basic credential's decoded user:password", () => {
    const basic = Buffer.from('svc-user:pa55-w0rd-x').toString('base64');
    expect(new Redactor([{ value: basic }]).text('login svc-user:pa55-w0rd-x failed')).toBe('login *** failed');
  });

  it('leaves ordinary text alone', () => {
    expect(redactor.text('the key was refused (401) at /api/items?limit=10')).toBe('the key was refused (401) at /api/items?limit=10');
  });
});
