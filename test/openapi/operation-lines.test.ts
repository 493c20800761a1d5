// Where each operation is written in a spec file (SARIF locations), read in place line by line.
import { describe, expect, it } from 'vitest';
import { operationLines } from '../../src/openapi/lines.js';

const YAML = `openapi: 3.0.3
paths:
  /orders:
    get:
      responses: {}
    'post':
      responses: {}
  "/orders/{id}":
    parameters: []
    delete:
      responses: {}
components:
  schemas:
    get:
      type: object
`;

const JSON_SPEC = `{
  "openapi": "3.1.0",
  "paths": {
    "/users": {
      "get": { "responses": {} },
      "patch": { "responses": {} }
    }
  }
}`;

describe('operationLines', () => {
  it('finds each operation of a YAML spec on its own line, quoted or not, and nothing outside paths', () => {
    expect([...operationLines(YAML)]).toEqual([
      ['GET /orders', 4],
      ['POST /orders', 6],
      ['DELETE /orders/{id}', 10],
    ]);
  });

  it('reads pretty-printed JSON and Windows line ends the same way', () => {
    const expected = [
      ['GET /users', 5],
      ['PATCH /users', 6],
    ];
    expect([...operationLines(JSON_SPEC)]).toEqual(expected);
    expect([...operationLines(JSON_SPEC.replace(/\n/g, '\r\n'))]).toEqual(expected);
  });

  it('puts everything of a minified document on line 1, and a key split across lines is no key', () => {
    expect([...operationLines(JSON.stringify(JSON.parse(JSON_SPEC)))]).toEqual([]);
    expect([...operationLines('paths:\n  /a\n  :\n    get:\n')]).toEqual([]);
  });
});
