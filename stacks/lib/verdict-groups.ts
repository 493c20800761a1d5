// Verdict ids that most stacks fix the same way, so a pack can key one fix by all of them. Data beside
// the packs (the engine names no check): a sub-folder, so the registry does not take it for a pack.
/** The verdict ids packs key their fixes by, grouped by the fix they share in most stacks. */
export const VERDICT_GROUPS = {
  requestId: [
    'request-id/notEchoed',
    'request-id/notGenerated',
    'request-id/notUnique',
    'request-id/missingOnErrors',
    'request-id/replaced',
  ],
  bodySize: [
    'body-size-caps/accepted',
    'body-size-caps/serverError',
    'body-size-caps/slowRefusal',
    'body-size-caps/noAnswer',
    'body-size-caps/droppedQuickly',
  ],
  headerSize: ['url-header-caps/headerAccepted', 'url-header-caps/headerDropped', 'url-header-caps/headerFailed'],
  urlSize: ['url-header-caps/urlFailed', 'url-header-caps/urlDropped'],
  listCap: ['list-limit-cap/uncapped', 'list-limit-cap/limitCrashes', 'list-limit-cap/limitOddAnswers'],
  pagination: ['list-pagination/noNextPage', 'list-pagination/bareArrayNoNext', 'list-pagination/cursorFieldMissing'],
  errorShape: [
    'error-shape/manyShapes',
    'error-shape/notJson',
    'error-shape/noJsonErrors',
    'error-shape/noCodes',
    'error-shape/someWithoutCode',
    'unknown-route/failed',
    'malformed-input/inputsFailed',
    'malformed-body/inputsFailed',
  ],
  leaks: ['error-leaks/leakedCritical', 'error-leaks/leaked', 'error-leaks/leakedMedium'],
  versionHeader: ['error-leaks/versionHeader'],
  defaultDeny: ['default-deny/served', 'auth-anonymous/open'],
  adminSurface: ['admin-surface/exposed', 'admin-surface/exposedInfo'],
  cors: ['cors/foreignAllowed', 'cors/preflightAllowed', 'cors/nullAllowed'],
  idempotency: [
    'idempotency/createdTwice',
    'idempotency/pairCreatedTwice',
    'idempotency/replayStatusDiffers',
    'idempotency/replayBodyDiffers',
  ],
  background: ['background-work/slow', 'background-work/timedOut', 'background-work/asyncInline', 'background-work/asyncSlow'],
  // Item 9 (observability). alert-rules/invalidExpr is left out: promtool check rules is the same fix everywhere.
  metrics: [
    'request-metrics/noCounter',
    'request-metrics/undercounted',
    'request-metrics/noStatusLabel',
    'request-metrics/errorsNotCounted',
    'request-metrics/noHistogram',
    'request-metrics/bucketsFarFromThreshold',
  ],
  metricLabels: ['request-metrics/rawPathLabels'],
  alertRules: ['alert-rules/noErrorRateAlert', 'alert-rules/noLatencyAlert', 'alert-rules/latencyThresholdHigh'],
  requestLogs: ['request-logs/idsMissing', 'request-logs/plainText', 'request-logs/missingFields', 'request-logs/silentServerError'],
  logCredentials: ['request-logs/credentialsLogged'],
} as const;
