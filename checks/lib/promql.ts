// Reads alert expressions with the official PromQL grammar (@prometheus-io/lezer-promql), loaded
// only when alert rules are audited.

export interface Matcher {
  label: string;
  op: string;
  value: string;
}

export interface Selector {
  metric: string;
  matchers: Matcher[];
}

export interface ExprFacts {
  selectors: Selector[];
  /** The quantiles of histogram_quantile calls (0.95, 0.99). */
  quantiles: number[];
  /** Numbers compared against with > or >= (the alert's threshold). */
  thresholds: number[];
  /** The expression did not parse. */
  invalid: boolean;
}

const unquote = (text: string): string => {
  try {
    return text.startsWith('`')
      ? text.slice(1, -1)
      : (JSON.parse(text.startsWith("'") ? `"${text.slice(1, -1).replace(/"/g, '\\"')}"` : text) as string);
  } catch {
    return text.slice(1, -1);
  }
};

/** The selectors, quantiles and thresholds of one PromQL expression. */
export async function exprFacts(expr: string): Promise<ExprFacts> {
  const { parser } = await import('@prometheus-io/lezer-promql');
  const tree = parser.parse(expr);
  const facts: ExprFacts = { selectors: [], quantiles: [], thresholds: [], invalid: false };
  const text = (node: { from: number; to: number }): string => expr.slice(node.from, node.to);
  tree.iterate({
    enter(ref) {
      if (ref.type.isError) facts.invalid = true;
      const node = ref.node;
      if (ref.name === 'VectorSelector') {
        const selector: Selector = { metric: '', matchers: [] };
        const name = node.getChild('Identifier');
        if (name) selector.metric = text(name);
        for (const matcher of node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []) {
          const label = matcher.getChild('LabelName');
          const op = matcher.getChild('MatchOp');
          const value = matcher.getChild('StringLiteral');
          if (label && op && value) selector.matchers.push({ label: text(label), op: text(op), value: unquote(text(value)) });
        }
        const byName = selector.matchers.find((m) => m.label === '__name__' && m.op === '=');
        if (!selector.metric && byName) selector.metric = byName.value;
        facts.selectors.push(selector);
      }
      if (
        ref.name === 'FunctionCall' &&
        node.getChild('FunctionIdentifier') &&
        text(node.getChild('FunctionIdentifier')!) === 'histogram_quantile'
      ) {
        const first = node.getChild('FunctionCallBody')?.firstChild;
        const value = first ? Number(text(first)) : Number.NaN;
        if (!Number.isNaN(value)) facts.quantiles.push(value);
      }
      if (ref.name === 'BinaryExpr') {
        const op = node.getChild('Gtr') ?? node.getChild('Gte');
        const right = op?.nextSibling;
        if (op && right?.name === 'NumberDurationLiteral') facts.thresholds.push(Number(text(right)));
      }
    },
  });
  return facts;
}
