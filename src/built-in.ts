import type { Check } from './check-api/contract.js';
import type { BuiltIn } from './plugins.js';
import type { StackPack } from './stack/types.js';

// The check and stack-pack modules compiled into the bundled CLI. Unbundled (the tests, a bare `tsc` build)
// there are none, and the registries list checks/ and stacks/ at run time. scripts/bundle.js replaces this
// module in dist/bundle with one generated from those folders' listing, filtered by the registries' own
// checkFiles/packFiles, so adding a check is still adding a file.
export const builtInChecks: BuiltIn<Check> | undefined = undefined;
export const builtInStacks: BuiltIn<StackPack> | undefined = undefined;
