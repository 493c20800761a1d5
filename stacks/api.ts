// The stack-pack API: what a pack file under stacks/ may use from the engine.
export { defineStack, each } from '../src/stack/define.js';
export { alertRulesFix } from './lib/alert-rules.js';
export { VERDICT_GROUPS as V } from './lib/verdict-groups.js';
export type { StackFix, StackPack, StackSignal } from '../src/stack/types.js';
