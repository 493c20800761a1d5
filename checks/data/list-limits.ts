/** Page-size parameter names tried, in order, when the config names none (_limit: json-server; size: Elasticsearch). */
export const LIMIT_ALIASES = ['limit', 'per_page', 'page_size', 'pageSize', 'size', 'count', 'top', '_limit'] as const;

/**
 * Page sizes a cap must survive: far too many, just past a signed 32-bit integer, negative (often
 * "no limit" to an ORM), zero, not a number, and exponent form (parseInt("1e9") is 1, Number() is 1e9).
 */
export const OVERSIZED_LIMITS = ['1000000', '2147483648', '-1', '0', 'abc', '1e9'] as const;
