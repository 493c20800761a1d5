// The stack-pack API: what a pack file under stacks/ may use from the engine.
export { defineStack, each, VERDICT_GROUPS as V } from '../src/stack/define.js';
export type { StackFix, StackPack, StackSignal } from '../src/stack/types.js';
