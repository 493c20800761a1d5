import { describe, expect, it } from 'vitest';
import { toCurl } from '../../src/http/curl.js';
import { streamedBody } from '../../src/http/streamed-body.js';

describe('curl lines', () => {
  const url = 'http://127.0.0.1:1/api/orders';

  it('a short token from an env var is written as its variable, not ***', () => {
    const secrets = [{ value: 'abc', envVar: 'API_TOKEN' }, { value: 'Bearer abc' }];
    const bearer = toCurl({ method: 'GET', url, headers: { Authorization: 'Bearer abc' }, rawPath: false }, secrets);
    expect(bearer).toBe(`curl -sS -i '${url}' -H 'Authorization: Bearer '"\${API_TOKEN}"`);
    const bare = toCurl({ method: 'GET', url, headers: { 'X-Api-Key': 'abc' }, rawPath: false }, [{ value: 'abc', envVar: 'API_TOKEN' }]);
    expect(bare).toBe(`curl -sS -i '${url}' -H 'X-Api-Key: '"\${API_TOKEN}"`);
  });

  it('a generated body is regenerated in the shell, not left as @body.bin', () => {
    const body = streamedBody(['{"a":"', { repeat: 'x', times: 2048 }, '",', { repeat: '[', times: 3 }, '}'], 'big');
    const line = toCurl({ method: 'POST', url, headers: {}, body: { parts: body.parts!, describe: body.describe }, rawPath: false }, []);
    expect(line).toContain(
      `--data-binary @<(printf %s '{"a":"'; head -c 2048 /dev/zero | tr '\\0' x; printf %s '",'; yes -- '[' | head -n 3 | tr -d '\\n'; printf %s '}')`,
    );
  });
});
