// Verdict messages are templates with {placeholders}, filled from the data a check reports
// (like ESLint's meta.messages with {{data}}). Reports, baselines and waivers never parse the
// rendered text: they use the verdict id, the key and the data.

/** The placeholder names a template uses, in order of first use. */
export function placeholdersOf(template: string): string[] {
  const names: string[] = [];
  // Only {identifier} is a placeholder: other braces are text ("express.json({ limit: '1mb' })").
  for (const match of template.matchAll(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g)) {
    const name = match[1]!;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/** A lone word in braces with spaces ("{ path }") is a placeholder typo: it would print as text. */
export function badPlaceholders(template: string): string[] {
  return [...template.matchAll(/\{(\s+[A-Za-z_]\w*\s*|\s*[A-Za-z_]\w*\s+)\}/g)].map((match) => match[1]!);
}

/** How one data value reads inside a sentence: lists are joined, nothing is left as [object Object]. */
export function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (value === null) return 'null';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export class MissingPlaceholderError extends Error {
  constructor(
    readonly verdict: string,
    readonly missing: string[],
  ) {
    super(`verdict ${verdict} was reported without data for {${missing.join('}, {')}}`);
    this.name = 'MissingPlaceholderError';
  }
}

/** Fills a template; a placeholder with no value is a bug in the check and throws (never prints "{path}"). */
export function renderTemplate(template: string, data: Readonly<Record<string, unknown>>, verdict: string): string {
  const missing = placeholdersOf(template).filter((name) => data[name] === undefined);
  if (missing.length) throw new MissingPlaceholderError(verdict, missing);
  return template.replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_all, name: string) => formatValue(data[name]));
}

/**
 * The placeholder names of a template as a type, so `ctx.report('notEchoed', { path })` fails to
 * compile when the message also says {header}.
 */
export type Placeholders<S extends string> = string extends S
  ? never
  : S extends `${string}{${infer Name}}${infer Rest}`
    ? Name | Placeholders<Rest>
    : never;
