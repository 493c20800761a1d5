// A bound on what a spec's $refs expand to, checked before the spec is dereferenced. A few KB whose
// schemas each reference the next twice expand to 2^n nodes: dereferencing, sampling, JSON.stringify
// and ajv's compilation of such a schema each take minutes and gigabytes. Counting is linear in the
// document (each $ref target is counted once and remembered), so a bomb is refused in milliseconds.
import { SpecError } from '../config/errors.js';

export interface RefBudget {
  /** Nodes (objects, arrays, values) the document may have once every local $ref is inlined. */
  maxNodes: number;
  /** Nesting depth of the inlined document. */
  maxDepth: number;
}

// The OpenAPI parser walks the inlined document, about 1 s per 60,000 nodes on a busy CI core, so the
// budget grows with the document: GitHub's REST spec (13 MB, the largest real one we know) has 258,000
// nodes and inlines to 2.0 million (7.8 times); a spec may inline to 20 times its size, or 250,000
// nodes when small, and never past 20 million.
export const SPEC_REF_BUDGET: RefBudget = { maxNodes: 20_000_000, maxDepth: 1_000 };
const SPEC_GROWTH = 20;
const SPEC_FLOOR = 250_000;
// An error schema is compiled with ajv, whose code grows with the inlined tree: 40,000 nodes took 10 s
// and 500 MB. Real error schemas have tens to hundreds of nodes.
export const SCHEMA_REF_BUDGET: RefBudget = { maxNodes: 5_000, maxDepth: 100 };
// A success schema is only walked to a bounded depth (paging fields, the data array): it may be larger.
export const WALKED_SCHEMA_REF_BUDGET: RefBudget = { maxNodes: 200_000, maxDepth: 200 };

/** The size and depth of `value` with local $refs ("#/...") inlined; cycles count once (they stay $refs). Stops at the budget. */
export function expandedSize(root: unknown, budget: RefBudget): { nodes: number; depth: number; over: boolean; written: number } {
  const memo = new Map<object, { nodes: number; depth: number }>();
  const active = new Set<object>();
  const cap = budget.maxNodes + 1;
  let written = 0; // nodes as written (each object once), for a budget that grows with the document
  const visit = (value: unknown): { nodes: number; depth: number } => {
    if (typeof value !== 'object' || value === null) {
      written++; // reached only from a parent's first visit: counted once
      return { nodes: 1, depth: 0 };
    }
    const known = memo.get(value);
    if (known) return known;
    if (active.has(value)) return { nodes: 1, depth: 0 }; // circular: left in place as a $ref
    active.add(value);
    written++;
    let nodes = 1;
    let depth = 0;
    const ref = (value as { $ref?: unknown }).$ref;
    const target = typeof ref === 'string' && ref.startsWith('#') ? resolvePointer(root, ref) : undefined;
    const children = target !== undefined ? [target] : Object.values(value);
    for (const child of children) {
      const size = visit(child);
      nodes = Math.min(cap, nodes + size.nodes);
      depth = Math.max(depth, size.depth + 1);
      if (nodes >= cap || depth > budget.maxDepth) break;
    }
    active.delete(value);
    const result = { nodes, depth };
    memo.set(value, result);
    return result;
  };
  const { nodes, depth } = visit(root);
  return { nodes, depth, written, over: nodes > budget.maxNodes || depth > budget.maxDepth };
}

function resolvePointer(root: unknown, ref: string): unknown {
  let node: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** Throws a one-line SpecError when the spec's $refs expand past its budget (SPEC_REF_BUDGET, scaled to its size). */
export function assertRefBudget(raw: unknown, source: string): void {
  const size = expandedSize(raw, SPEC_REF_BUDGET);
  const maxNodes = Math.min(SPEC_REF_BUDGET.maxNodes, Math.max(SPEC_FLOOR, SPEC_GROWTH * size.written));
  if (size.nodes <= maxNodes && size.depth <= SPEC_REF_BUDGET.maxDepth) return;
  const what =
    size.depth > SPEC_REF_BUDGET.maxDepth
      ? `nests deeper than ${SPEC_REF_BUDGET.maxDepth} levels`
      : `expands to more than ${maxNodes.toLocaleString('en')} nodes`;
  throw new SpecError(
    source,
    `${what} once its $refs are resolved (schemas that each reference the next more than once grow exponentially)`,
    'refused before resolving; make shared schemas reference each other once, or cut the chain',
  );
}

/** The schema, or undefined when it inlines past the budget: nothing later walks, samples or compiles it. */
export function boundedSchema<T>(schema: T, budget: RefBudget = SCHEMA_REF_BUDGET): T | undefined {
  return schema === undefined || expandedSize(schema, budget).over ? undefined : schema;
}
