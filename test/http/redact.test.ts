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
