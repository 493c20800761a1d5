import { describe, expect, it } from 'vitest';
import { mayBeAnsweredEarly } from '../../src/http/raw-send.js';

describe('which requests go out on the early-answer path', () => {
  it.each([
    ['an ordinary GET', 'GET', '/orders', {}, undefined, false],
    ['a small JSON POST', 'POST', '/orders', { 'content-type': 'application/json' }, 200, false],
    ['an unknown method token', 'PREFLIGHTPROBE', '/orders', {}, undefined, true],
    ['a body over 16 KiB', 'POST', '/orders', {}, 20 * 1024, true],
    ['a 9 KiB header', 'GET', '/orders', { 'x-pad': 'a'.repeat(9 * 1024) }, undefined, true],
    ['a 16 KiB query string', 'GET', `/orders?p=${'a'.repeat(16 * 1024)}`, {}, undefined, true],
  ] as const)('%s: %s', (_what, method, target, headers, bytes, early) => {
    expect(mayBeAnsweredEarly(method, target, headers, bytes)).toBe(early);
  });
});
