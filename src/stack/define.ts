import type { StackFix, StackPack } from './types.js';

/** A stack pack: data only (signals and fixes). Typed here so a pack file gets checked as it is written. */
export function defineStack<const P extends StackPack>(pack: P): P {
  return pack;
}

/** One fix for several verdicts that answer the same question (request-id/notEchoed, notGenerated, …). */
export function each(verdicts: readonly string[], fix: StackFix): Record<string, StackFix> {
  return Object.fromEntries(verdicts.map((verdict) => [verdict, fix]));
}
