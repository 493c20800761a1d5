// Credential shapes a target may leak in a response, as data. The vendor-token patterns are ported
// from secretlint's recommended preset (@secretlint/secretlint-rule-preset-recommend, MIT, the rule
// sources in packages/@secretlint/secretlint-rule-*/src/index.ts at commit 18346ba of
// secretlint/secretlint): secretlint itself lints files asynchronously, one lint context per call,
// which is far too heavy for the synchronous redactor that sees every recorded string of a run.
// Where a pattern differs from its source, the comment says how and why. The rest (JWTs, password
// hashes, passwords in URLs, bearer credentials) are this project's own.

export interface SecretPattern {
  /** What the value is, as a reader sees it in the mask: "AWS secret key". */
  kind: string;
  /** Global regexes only. */
  pattern: RegExp;
  /** The capture group that holds the secret itself (default: the whole match). */
  group?: number;
  /** Show no prefix (a PEM block starts with dashes: a prefix would say nothing). */
  noPrefix?: boolean;
  /** An extra test on the value, for shapes too common to trust on their own. */
  accept?: (value: string) => boolean;
}

/** Vendor tokens with a recognisable prefix: secretlint's recommended preset. */
const VENDOR: SecretPattern[] = [
  { kind: 'AWS access key id', pattern: /\b(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g },
  // secretlint-rule-aws AWSSecretPatten; the trailing \b became a lookahead so a key ending in "=" or "/" is whole.
  {
    kind: 'AWS secret key',
    pattern: /["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g,
    group: 1,
  },
  { kind: 'npm token', pattern: /(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu },
  { kind: 'Slack token', pattern: /\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-(?:\d-)?(?:[a-zA-Z0-9]{1,40}-)+[a-zA-Z0-9]{1,40}\b/g },
  { kind: 'Slack webhook', pattern: /https:\/\/hooks\.slack\.com\/services\/T[a-zA-Z0-9]{1,40}\/B[a-zA-Z0-9]{1,40}\/[a-zA-Z0-9]{1,40}/gi },
  // secretlint allows 1-128 characters per part; 16 at least keeps "SG.x.y" in ordinary prose unmasked.
  { kind: 'SendGrid key', pattern: /(?<!\p{L})SG\.[\w-]{16,128}\.[\w-]{16,128}(?![\w-])/gu },
  { kind: 'Shopify token', pattern: /(?<!\p{L})(?:shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])/gu },
  { kind: 'Stripe live secret key', pattern: /(?<!\p{L})sk_live_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  { kind: 'Stripe live restricted key', pattern: /(?<!\p{L})rk_live_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  { kind: 'Stripe test key', pattern: /(?<!\p{L})(?:sk|rk)_test_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  { kind: 'GitHub token', pattern: /(?<!\p{L})(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu },
  { kind: 'GitHub token', pattern: /(?<!\p{L})github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/gu },
  { kind: 'GitLab token', pattern: /(?<!\p{L})glpat-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/gu },
  { kind: 'Grafana token', pattern: /(?<!\p{L})glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/gu },
  { kind: 'Grafana token', pattern: /(?<!\p{L})glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Fa-f0-9])/gu },
  {
    kind: 'OpenAI key',
    pattern: /sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}/g,
  },
  { kind: 'Anthropic key', pattern: /(?<!\p{L})sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA(?![A-Za-z0-9_-])/gu },
  { kind: 'Groq key', pattern: /(?<!\p{L})gsk_[a-zA-Z0-9]{52}(?![a-zA-Z0-9])/gu },
  { kind: 'Hugging Face token', pattern: /(?<!\p{L})hf_[a-zA-Z]{34}(?![a-zA-Z])/gu },
  { kind: 'Linear key', pattern: /(?<!\p{L})lin_api_[a-zA-Z0-9_]{32,128}(?![a-zA-Z0-9_])/gu },
  { kind: 'Notion token', pattern: /(?<!\p{L})ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/gu },
  { kind: '1Password token', pattern: /(?<!\p{L})ops_ey[A-Za-z0-9+/=]{100,1280}fQ={0,2}(?![A-Za-z0-9+/=])/gu },
  { kind: 'Vault token', pattern: /(?<!\p{L})(?:hvs|hvr)\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu },
  { kind: 'Vault token', pattern: /(?<!\p{L})hvb\.[A-Za-z0-9_-]{138,300}(?![A-Za-z0-9_-])/gu },
  { kind: 'Vercel token', pattern: /(?<!\p{L})(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/gu },
  { kind: 'Databricks token', pattern: /(?<!\p{L})dapi[A-Fa-f0-9]{32}(?:-[0-9])?(?![A-Fa-f0-9])/gu },
  { kind: 'Docker token', pattern: /(?<!\p{L})dckr_pat_[a-zA-Z0-9_-]{27}(?![a-zA-Z0-9_-])/gu },
  { kind: 'Figma token', pattern: /(?<!\p{L})figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/gu },
  { kind: 'Cloudflare token', pattern: /(?<!\p{L})(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/gu },
  { kind: 'Tailscale key', pattern: /(?<!\p{L})tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/gu },
];

/**
 * A PEM private key (secretlint-rule-privatekey, widened): the block may sit in JSON with "\n"
 * escapes, and an excerpt may cut it before its END line, so the END line is optional and the
 * body runs to the first character that cannot be in one.
 */
const PRIVATE_KEY: SecretPattern = {
  kind: 'private key',
  pattern: /-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\]*(?:-----END[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----)?/g,
  noPrefix: true,
};

/** Shapes this project adds: tokens and hashes a web API is likely to leak. */
const OWN: SecretPattern[] = [
  // header.payload.signature; both JSON parts start with "{" (eyJ in base64url). A cut excerpt may hold only part of it.
  { kind: 'JWT', pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.(?:eyJ[A-Za-z0-9_-]*)?(?:\.[A-Za-z0-9_-]*)?/g, accept: (v) => v.length >= 24 },
  { kind: 'bcrypt hash', pattern: /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g },
  { kind: 'argon2 hash', pattern: /\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+/g },
  { kind: 'scrypt hash', pattern: /\$scrypt\$[^$\s"']{1,80}\$[A-Za-z0-9+/.]+\$[A-Za-z0-9+/.]+/g },
  { kind: 'PBKDF2 hash', pattern: /\bpbkdf2_sha(?:1|256|512)\$\d+\$[A-Za-z0-9+/=.]+\$[A-Za-z0-9+/=]+/g },
  { kind: 'crypt hash', pattern: /\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}/g },
  // scheme://user:password@host — database URLs (secretlint-rule-database-connection-string) and basic
  // auth in any URL (secretlint-rule-basicauth), widened to every scheme and to passwords with symbols.
  { kind: 'password in URL', pattern: /\b[a-z][a-z0-9+.-]{1,20}:\/\/[^:/\s@"'<>]{1,256}:([^@/\s"'<>]{1,256})@/gi, group: 1, accept: (v) => !isPlaceholder(v) },
  // "Authorization: Bearer …" echoed in a body (a debug page, a request dump).
  { kind: 'bearer credential', pattern: /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/-]{16,}={0,2})/g, group: 1, accept: (v) => entropy(v) >= 3 && !isPlaceholder(v) },
  // A 40-character base64 run with upper and lower case, digits and a / or +: the shape of an AWS
  // secret key standing alone. Hex digests (sha1 is 40 hex characters) have no case mix nor / +.
  {
    kind: 'AWS secret key',
    pattern: /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && /\d/.test(v) && /[/+]/.test(v) && !v.includes('//') && entropy(v) >= 4,
  },
];

/** Field names whose values are credentials. */
const SECRET_NAME = String.raw`(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signing[_-]?key|client[_-]?secret|credentials?)`;
/** Field names that contain a secret word but hold something else ("token_type", "password_changed_at"). */
const NOT_SECRET_NAME = /(?:^|[_.-])(?:type|url|uri|endpoint|expires?|expires_in|expires_at|expiry|ttl|at|hint|policy|length|count|id|name|label|prefix|last4|format|required|enabled|set|changed|created|updated|rotated|algorithm|scope|scopes)$/i;
const PASSWORD_NAME = /password|passwd|passphrase|pwd/i;

/**
 * `"password": "…"`, `password=…`, `\"client_secret\":\"…\"` (JSON inside a JSON string): a value
 * under a secret-like name, taken only when it looks random enough to be a credential (entropy), so
 * `"token_type": "Bearer"` and `"password": null` stay as they are.
 */
const NAMED_FIELD: SecretPattern = {
  kind: 'field',
  pattern: new RegExp(
    String.raw`(\\?["']?)(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]{0,40}${SECRET_NAME}[A-Za-z0-9_.-]{0,40})\1\s*(?::|=>|=)\s*(?:(\\?["'])([^\s"'\\[\]]{1,1024})(?=\3)|([^\s"'\\,;&<>{}()[\]]{1,1024}))`,
    'gi',
  ),
};

export const SECRET_PATTERNS: readonly SecretPattern[] = [...VENDOR, PRIVATE_KEY, ...OWN];
export const FIELD_PATTERN = NAMED_FIELD;

/** Whether the value under a field name is a credential: a placeholder, a flag or a word is not. */
export function isSecretFieldValue(name: string, value: string): boolean {
  if (NOT_SECRET_NAME.test(name) || isPlaceholder(value)) return false;
  if (/^(?:true|false|null|undefined|none|nil|\d+(?:\.\d+)?)$/i.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(value) || /^https?:\/\//i.test(value)) return false;
  if (PASSWORD_NAME.test(name)) return value.length >= 6 && entropy(value) >= 2;
  return value.length >= 12 && entropy(value) >= 3;
}

/** Values that stand for a secret without being one: ***, ${VAR}, {{var}}, xxxx, <redacted>. */
export function isPlaceholder(value: string): boolean {
  return /^(?:\*+|x+|X+|•+|\.+|-+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^}]*\}|%[A-Z_]+%|\$[A-Z_]+|\[[^\]]*\]|redacted|hidden|secret|changeme|password)$/i.test(value);
}

/** Shannon entropy in bits per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}
