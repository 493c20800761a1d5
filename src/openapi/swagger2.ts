// Swagger 2.0 → OpenAPI 3.0, in-process, with swagger2openapi (the oas-kit converter). Loaded only when
// a 2.0 document is read, so no other command pays for it.
import { SpecError } from '../config/errors.js';
import { isObject } from '../pagination/items.js';

const WARNING_KEY = 'x-s2o-warning';

export interface Converted {
  document: Record<string, unknown>;
  /** The converter's own warnings, one line each. */
  warnings: string[];
}

/**
 * Converts a parsed Swagger 2.0 document. References to other files or URLs are left as they are
 * (resolve: false): the converter never reads or fetches anything. Problems it can repair are
 * patched and counted; problems it can only point at become warnings; anything else is a SpecError.
 */
export async function convertSwagger2(raw: Record<string, unknown>, source: string): Promise<Converted> {
  const module = (await import('swagger2openapi')) as unknown as { default?: Converter } & Converter;
  const converter = module.default ?? module;
  const options: Record<string, unknown> = { patch: true, warnOnly: true, resolve: false, direct: true, text: '-' };
  let document: unknown;
  // On an internal failure the converter also console.warn()s the whole error with its stack: the
  // reason is reported once, as one line, below.
  const warn = console.warn;
  console.warn = () => undefined;
  try {
    document = await converter.convertObj(raw, options);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
    throw new SpecError(
      source,
      `is a Swagger 2.0 document that could not be converted to OpenAPI 3: ${message.replace(/^\(Patchable\) /, '')}`,
    );
  } finally {
    console.warn = warn;
  }
  if (!isObject(document)) throw new SpecError(source, 'is a Swagger 2.0 document that could not be converted to OpenAPI 3');
  const warnings = takeWarnings(document);
  const patches = typeof options.patches === 'number' ? options.patches : 0;
  if (patches) warnings.push(`the Swagger 2.0 converter repaired ${patches} problem(s) in the document`);
  return { document, warnings };
}

interface Converter {
  convertObj(swagger: unknown, options: Record<string, unknown>): Promise<unknown>;
}

/** Removes every x-s2o-warning the converter left in the document and returns them, one line each. */
function takeWarnings(document: Record<string, unknown>): string[] {
  const found: string[] = [];
  const pending: unknown[] = [document];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (isObject(node)) {
      if (WARNING_KEY in node) {
        found.push(`Swagger 2.0 converter: ${String(node[WARNING_KEY]).replace(/\s+/g, ' ').trim()}`);
        delete node[WARNING_KEY];
      }
      pending.push(...Object.values(node));
    }
  }
  return found;
}
