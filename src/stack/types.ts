// Stack packs (design.md: "Remediation can be tailored by stack"): one data file per framework or
// proxy under stacks/, keyed by verdict id. The engine knows no stack by name: it lists stacks/.

/**
 * One thing a response can show that points at a stack. Every condition given must hold for the same
 * response: e.g. status 404, body {"detail":"Not Found"}, no Server header.
 */
export interface StackSignal {
  /** What it shows, for the report's evidence: "`X-Powered-By: Express`". */
  says: string;
  /** 2 (default): enough on its own; 1: only together with another signal of the same stack. */
  weight?: 1 | 2;
  /** The response status, or any of several. */
  status?: number | readonly number[];
  /** The request's path (without the query) matches. */
  path?: RegExp;
  /** A response header (lower-case name) whose value matches. */
  header?: readonly [name: string, value: RegExp];
  /** A second response header that must match too. */
  alsoHeader?: readonly [name: string, value: RegExp];
  /** Response headers (lower-case names) that must be absent: a default body alone is not enough when a proxy or server says otherwise. */
  without?: readonly string[];
  /** The response body (as text, its first 16 KiB) matches. */
  body?: RegExp;
  /** The name of a cookie the response sets matches. */
  cookie?: RegExp;
}

/** How a verdict is fixed in this stack: a sentence, and a code or config snippet for its current major version. */
export interface StackFix {
  fix: string;
  snippet?: string;
  /** The snippet's language, for the code block: js, ts, python, java, csharp, ruby, go, nginx, yaml, properties. */
  language?: string;
}

export interface StackPack {
  /** kebab-case, the file's name and what `stack:` in the config names. */
  id: string;
  /** "FastAPI / Starlette": what the report says ("In FastAPI / Starlette: …"). */
  name: string;
  kind: 'framework' | 'proxy';
  /** The major version the snippets are written for: "FastAPI 0.11x, Starlette 0.4x". */
  version: string;
  /** What recognises it in the audit's own exchanges. */
  signals: readonly StackSignal[];
  /** Stacks this one is built on and hides when both are seen (NestJS runs on Express or Fastify). */
  supersedes?: readonly string[];
  /** Per verdict id ("check/verdict"): how to fix it here. A verdict without an entry keeps its own remediation. */
  fixes: Readonly<Record<string, StackFix>>;
}

/** A stack the report names, and why. */
export interface StackMatch {
  id: string;
  name: string;
  kind: 'framework' | 'proxy';
  /** One line per signal seen: "`server: uvicorn` (GET /x → 404)", or "named in the config (stack:)". */
  evidence: string[];
}

/** On the report: which stacks the remediation is tailored to; empty stacks means not recognised. */
export interface StackReport {
  source: 'detected' | 'config';
  stacks: StackMatch[];
}

/** On a finding: the fix for it in a stack of the report. */
export interface StackRemediation {
  stack: string;
  name: string;
  fix: string;
  snippet?: string;
  language?: string;
}
