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
  /** Literal pieces one of which every match contains: a text with none of them is not searched. */
  needs?: string[];
  /** An extra test on the value, for shapes too common to trust on their own. */
  accept?: (value: string) => boolean;
}

/** Vendor tokens with a recognisable prefix: secretlint's recommended preset. */
const VENDOR: SecretPattern[] = [
  {
    needs: ['AKIA', 'A3T', 'AGPA', 'AIDA', 'AROA', 'AIPA', 'ANPA', 'ANVA', 'ASIA'],
    kind: 'AWS access key id',
    pattern: /\b(?:A3T[A-Z0-9]|AKIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ASIA)[A-Z0-9]{16}\b/g,
  },
  // secretlint-rule-aws AWSSecretPatten; the trailing \b became a lookahead so a key ending in "=" or "/" is whole.
  {
    kind: 'AWS secret key',
    needs: ['secret', 'SECRET', 'Secret'],
    pattern:
      /["']?(?:AWS|aws|Aws)?_?(?:SECRET|secret|Secret)_?(?:ACCESS|access|Access)_?(?:KEY|key|Key)["']?\s*(?::|=>|=)\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/g,
    group: 1,
  },
  { needs: ['npm_'], kind: 'npm token', pattern: /(?<!\p{L})npm_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu },
  {
    needs: ['xox', 'xapp'],
    kind: 'Slack token',
    pattern: /\b(?:xoxb|xoxp|xapp|xoxa|xoxo|xoxr)-(?:\d-)?(?:[a-zA-Z0-9]{1,40}-)+[a-zA-Z0-9]{1,40}\b/g,
  },
  {
    needs: ['hooks.slack.com'],
    kind: 'Slack webhook',
    pattern: /https:\/\/hooks\.slack\.com\/services\/T[a-zA-Z0-9]{1,40}\/B[a-zA-Z0-9]{1,40}\/[a-zA-Z0-9]{1,40}/gi,
  },
  // secretlint allows 1-128 characters per part; 16 at least keeps "SG.x.y" in ordinary prose unmasked.
  { needs: ['SG.'], kind: 'SendGrid key', pattern: /(?<!\p{L})SG\.[\w-]{16,128}\.[\w-]{16,128}(?![\w-])/gu },
  { needs: ['shp'], kind: 'Shopify token', pattern: /(?<!\p{L})(?:shppa|shpca|shpat|shpss)_[a-zA-Z0-9]{32,64}(?![a-zA-Z0-9])/gu },
  { needs: ['sk_live_'], kind: 'Stripe live secret key', pattern: /(?<!\p{L})sk_live_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  { needs: ['rk_live_'], kind: 'Stripe live restricted key', pattern: /(?<!\p{L})rk_live_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  { needs: ['k_test_'], kind: 'Stripe test key', pattern: /(?<!\p{L})(?:sk|rk)_test_[a-zA-Z0-9]{24,99}(?![a-zA-Z0-9])/gu },
  {
    needs: ['ghp_', 'gho_', 'ghu_', 'ghs_', 'ghr_'],
    kind: 'GitHub token',
    pattern: /(?<!\p{L})(?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9_]{36}(?![A-Za-z0-9_])/gu,
  },
  { needs: ['github_pat_'], kind: 'GitHub token', pattern: /(?<!\p{L})github_pat_[A-Za-z0-9_]{82}(?![A-Za-z0-9_])/gu },
  { needs: ['glpat-'], kind: 'GitLab token', pattern: /(?<!\p{L})glpat-[A-Za-z0-9_-]{20,128}(?![A-Za-z0-9_-])/gu },
  { needs: ['glc_'], kind: 'Grafana token', pattern: /(?<!\p{L})glc_[A-Za-z0-9+/]{32,400}={0,2}(?![A-Za-z0-9+/=])/gu },
  { needs: ['glsa_'], kind: 'Grafana token', pattern: /(?<!\p{L})glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}(?![A-Fa-f0-9])/gu },
  {
    kind: 'OpenAI key',
    needs: ['T3BlbkFJ'],
    pattern:
      /sk-(?:proj|svcacct|admin)-(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})T3BlbkFJ(?:[A-Za-z0-9_-]{74}|[A-Za-z0-9_-]{58})\b|sk-[a-zA-Z0-9]{20}T3BlbkFJ[a-zA-Z0-9]{20}/g,
  },
  { needs: ['sk-ant-'], kind: 'Anthropic key', pattern: /(?<!\p{L})sk-ant-api0\d-[A-Za-z0-9_-]{90,128}AA(?![A-Za-z0-9_-])/gu },
  { needs: ['gsk_'], kind: 'Groq key', pattern: /(?<!\p{L})gsk_[a-zA-Z0-9]{52}(?![a-zA-Z0-9])/gu },
  { needs: ['hf_'], kind: 'Hugging Face token', pattern: /(?<!\p{L})hf_[a-zA-Z]{34}(?![a-zA-Z])/gu },
  { needs: ['lin_api_'], kind: 'Linear key', pattern: /(?<!\p{L})lin_api_[a-zA-Z0-9_]{32,128}(?![a-zA-Z0-9_])/gu },
  { needs: ['ntn_'], kind: 'Notion token', pattern: /(?<!\p{L})ntn_[0-9]{11}[A-Za-z0-9]{35}(?![A-Za-z0-9])/gu },
  { needs: ['ops_ey'], kind: '1Password token', pattern: /(?<!\p{L})ops_ey[A-Za-z0-9+/=]{100,1280}fQ={0,2}(?![A-Za-z0-9+/=])/gu },
  { needs: ['hvs.', 'hvr.'], kind: 'Vault token', pattern: /(?<!\p{L})(?:hvs|hvr)\.[A-Za-z0-9_-]{90,120}(?![A-Za-z0-9_-])/gu },
  { needs: ['hvb.'], kind: 'Vault token', pattern: /(?<!\p{L})hvb\.[A-Za-z0-9_-]{138,300}(?![A-Za-z0-9_-])/gu },
  {
    needs: ['vcp_', 'vci_', 'vca_', 'vcr_', 'vck_'],
    kind: 'Vercel token',
    pattern: /(?<!\p{L})(?:vcp|vci|vca|vcr|vck)_[A-Za-z0-9]{20,60}(?![A-Za-z0-9])/gu,
  },
  { needs: ['dapi'], kind: 'Databricks token', pattern: /(?<!\p{L})dapi[A-Fa-f0-9]{32}(?:-[0-9])?(?![A-Fa-f0-9])/gu },
  { needs: ['dckr_pat_'], kind: 'Docker token', pattern: /(?<!\p{L})dckr_pat_[a-zA-Z0-9_-]{27}(?![a-zA-Z0-9_-])/gu },
  { needs: ['figd_'], kind: 'Figma token', pattern: /(?<!\p{L})figd_[A-Za-z0-9_-]{40,200}(?![A-Za-z0-9_-])/gu },
  {
    needs: ['cfk_', 'cfut_', 'cfat_'],
    kind: 'Cloudflare token',
    pattern: /(?<!\p{L})(?:cfk|cfut|cfat)_[A-Za-z0-9]{40}[0-9a-f]{8}(?![A-Za-z0-9])/gu,
  },
  {
    needs: ['tskey-'],
    kind: 'Tailscale key',
    pattern: /(?<!\p{L})tskey-[a-z]{2,20}-[0-9A-Za-z_]{8,40}-[0-9A-Za-z_]{16,60}(?![0-9A-Za-z_])/gu,
  },
];

/**
 * A PEM private key (secretlint-rule-privatekey, widened): the block may sit in JSON with "\n"
 * escapes, and an excerpt may cut it before its END line, so the END line is optional and the
 * body runs to the first character that cannot be in one.
 */
const PRIVATE_KEY: SecretPattern = {
  kind: 'private key',
  needs: ['PRIVATE KEY'],
  pattern:
    /-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----[A-Za-z0-9+/=\s\\]*(?:-----END[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----)?/g,
  noPrefix: true,
};

/** Shapes this project adds: tokens and hashes a web API is likely to leak. */
const OWN: SecretPattern[] = [
  // header.payload.signature; both JSON parts start with "{" (eyJ in base64url). A cut excerpt may hold only part of it.
  // An unsigned (alg:none) token is no credential: anyone can write one (the auth probes send one on purpose).
  {
    needs: ['eyJ'],
    kind: 'JWT',
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.(?:eyJ[A-Za-z0-9_-]*)?(?:\.[A-Za-z0-9_-]*)?/g,
    accept: (v) => v.length >= 24 && !unsignedJwt(v),
  },
  { needs: ['$2'], kind: 'bcrypt hash', pattern: /\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}/g },
  { needs: ['$argon2'], kind: 'argon2 hash', pattern: /\$argon2(?:id|i|d)\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+/g },
  { needs: ['$scrypt$'], kind: 'scrypt hash', pattern: /\$scrypt\$[^$\s"']{1,80}\$[A-Za-z0-9+/.]+\$[A-Za-z0-9+/.]+/g },
  { needs: ['pbkdf2_sha'], kind: 'PBKDF2 hash', pattern: /\bpbkdf2_sha(?:1|256|512)\$\d+\$[A-Za-z0-9+/=.]+\$[A-Za-z0-9+/=]+/g },
  { needs: ['$5$', '$6$'], kind: 'crypt hash', pattern: /\$[56]\$(?:rounds=\d+\$)?[./A-Za-z0-9]{1,16}\$[./A-Za-z0-9]{43,86}/g },
  // scheme://user:password@host (found from "://" backwards: a scheme tried at every position costs 10×) — database URLs (secretlint-rule-database-connection-string) and basic
  // auth in any URL (secretlint-rule-basicauth), widened to every scheme and to passwords with symbols.
  {
    needs: ['://'],
    kind: 'password in URL',
    pattern: /:\/\/(?<=\b[A-Za-z][A-Za-z0-9+.-]{1,20}:\/\/)[^:/\s@"'<>]{1,256}:([^@/\s"'<>]{1,256})@/g,
    group: 1,
    accept: (v) => !isPlaceholder(v),
  },
  // "Authorization: Bearer …" echoed in a body (a debug page, a request dump): random-looking only, so the
  // auth probes' own made-up tokens ("Bearer not-a-valid-token") stay readable in their curl lines.
  {
    needs: ['Bearer', 'Basic', 'Token'],
    kind: 'bearer credential',
    pattern: /\b(?:Bearer|Basic|Token)\s+([A-Za-z0-9._~+/-]{20,}={0,2})/g,
    group: 1,
    accept: (v) => /\d/.test(v) && /[A-Za-z]/.test(v) && entropy(v) >= 3.5 && !unsignedJwt(v),
  },
  // A 40-character base64 run with upper and lower case, digits and a / or +: the shape of an AWS
  // secret key standing alone. Hex digests (sha1 is 40 hex characters) have no case mix nor / +.
  {
    kind: 'AWS secret key',
    // Only where AWS is named (an access key id, an "aws" prefix): the shape alone is too common to scan for everywhere.
    needs: ['AKIA', 'ASIA', 'aws', 'AWS', 'Aws', 'amazon'],
    // Starts only after a character outside the run (cheaper than a lookbehind tried at every position).
    pattern: /(?:^|[^A-Za-z0-9/+=])([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
    group: 1,
    accept: (v) => /[A-Z]/.test(v) && /[a-z]/.test(v) && /\d/.test(v) && /[/+]/.test(v) && !v.includes('//') && entropy(v) >= 4,
  },
];

/** The words that make a field name secret-like. */
export const SECRET_NAME_WORD =
  /password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|signing[_-]?key|credential/gi;
/** Field names that contain a secret word but hold something else ("token_type", "password_changed_at"). */
const NOT_SECRET_NAME =
  /(?:^|[_.-])(?:type|url|uri|endpoint|expires?|expires_in|expires_at|expiry|ttl|at|hint|policy|length|count|id|name|label|prefix|last4|format|required|enabled|set|changed|created|updated|rotated|algorithm|scope|scopes)$/i;
const PASSWORD_NAME = /password|passwd|passphrase|pwd/i;
/** Pagination tokens are cursors, not credentials: a curl line with one must stay reproducible. */
const CURSOR_NAME = /(?:page|next|prev|previous|continuation|sync|cursor)[_.-]?token$/i;

/**
 * What follows a secret-like field name: `"password": "…"`, `password=…`, `\"client_secret\":\"…\"`
 * (JSON inside a JSON string). Group 1 closes the name's quote; group 3 is a quoted value (group 2 its
 * quote, which must close it), group 4 a bare one. Sticky: tried right where the name ends.
 */
export const FIELD_VALUE = /(\\?["']?)\s*(?::|=>|=)\s*(?:(\\?["'])([^\s"'\\[\]]{1,1024})(?=\2)|([^\s"'\\,;&<>{}()[\]]{1,1024}))/y;

export const SECRET_PATTERNS: readonly SecretPattern[] = [...VENDOR, PRIVATE_KEY, ...OWN];

/**
 * Whether the value under a secret-like field name is a credential: only when it looks random enough
 * (entropy), so `"token_type": "Bearer"` and `"password": null` stay as they are.
 */
export function isSecretFieldValue(name: string, value: string): boolean {
  if (NOT_SECRET_NAME.test(name) || CURSOR_NAME.test(name) || isPlaceholder(value)) return false;
  if (/^(?:true|false|null|undefined|none|nil|\d+(?:\.\d+)?)$/i.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(value) || /^https?:\/\//i.test(value)) return false;
  if (PASSWORD_NAME.test(name)) return value.length >= 6 && entropy(value) >= 2;
  return value.length >= 12 && entropy(value) >= 3;
}

/** Values that stand for a secret without being one: ***, ${VAR}, {{var}}, xxxx, <redacted>. */
export function isPlaceholder(value: string): boolean {
  return /^(?:\*+|x+|X+|•+|\.+|-+|<[^>]*>|\$\{[^}]*\}|\{\{[^}]*\}\}|\{[^}]*\}|%[A-Z_]+%|\$[A-Z_]+|\[[^\]]*\]|redacted|hidden|secret|changeme|password)$/i.test(
    value,
  );
}

/** Values seen lately and their entropy: a body that repeats one value pays for it once. */
const ENTROPY_CACHE = new Map<string, number>();
const ENTROPY_CACHE_SIZE = 512;

/** Shannon entropy in bits per character, computed once per distinct value (of the last few hundred). */
export function entropy(value: string): number {
  const cached = ENTROPY_CACHE.get(value);
  if (cached !== undefined) return cached;
  const bits = shannon(value);
  if (ENTROPY_CACHE.size >= ENTROPY_CACHE_SIZE) ENTROPY_CACHE.clear();
  ENTROPY_CACHE.set(value, bits);
  return bits;
}

function shannon(value: string): number {
  const counts = new Map<string, number>();
  for (const ch of value) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / value.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** True for a JWT whose header says alg "none". */
function unsignedJwt(token: string): boolean {
  try {
    const header = JSON.parse(Buffer.from(token.slice(0, token.indexOf('.')), 'base64url').toString('utf8')) as { alg?: unknown };
    return typeof header.alg === 'string' && header.alg.toLowerCase() === 'none';
  } catch {
    return false;
  }
}
