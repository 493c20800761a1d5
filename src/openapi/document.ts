/**
 * The parts of a dereferenced OpenAPI 3.0/3.1 document the import reads. Loose on purpose: real
 * specs bend the rules, so every field is optional and checked where it is used.
 */
export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string };
  servers?: Array<{ url?: string; variables?: Record<string, { default?: string }> }>;
  paths?: Record<string, PathItem | undefined>;
  components?: { securitySchemes?: Record<string, SecurityScheme | undefined> };
  security?: SecurityRequirement[];
}

export type SecurityRequirement = Record<string, string[]>;

export interface PathItem {
  parameters?: Parameter[];
  [method: string]: unknown;
}

export interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType | undefined> };
  responses?: Record<string, Response | undefined>;
  security?: SecurityRequirement[];
  deprecated?: boolean;
  tags?: unknown[];
}

export interface Parameter {
  name?: string;
  in?: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown } | undefined>;
}

export interface MediaType {
  schema?: Schema;
  example?: unknown;
  examples?: Record<string, { value?: unknown } | undefined>;
}

export interface Response {
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, MediaType | undefined>;
}

/** An OpenAPI Schema Object (3.0) or JSON Schema 2020-12 (3.1); only what the import looks at. */
export interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema | undefined>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  required?: string[];
  example?: unknown;
  examples?: unknown[];
  default?: unknown;
  enum?: unknown[];
  const?: unknown;
  maximum?: number;
  [keyword: string]: unknown;
}

export interface SecurityScheme {
  type?: string;
  scheme?: string;
  bearerFormat?: string;
  name?: string;
  in?: string;
  description?: string;
  /** Set by the Postman and HAR importers only: where the credential was seen ("{{accessToken}}", "the recorded cookie sid"). */
  'x-preflight-seen'?: string;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;
