// The check API: everything a check (and its helpers under checks/lib) may use from the engine.
// Nothing under checks/ imports from src/ except through this file, so the engine can change
// inside without touching a check, and a check cannot reach around the client's safety rules.

export { defineCheck, type EndpointCheckDefinition, type TargetCheckDefinition } from '../src/check-api/define.js';
export type { Check, CheckContext, EndpointContext, Judgement, VerdictSpec } from '../src/check-api/contract.js';
export { reportJudgement } from '../src/check-api/judgement.js';
export type { Endpoint, Exchange, Finding, FindingStatus, Pagination, Severity, Target } from '../src/types.js';
export { SEVERITY_WEIGHT } from '../src/types.js';

// Sending requests: the run's one client (budget, pacing, redaction, the write-safety rule).
export {
  GLANCE_BYTES,
  ProbeError,
  type LeakedSecret,
  RECORDED_BODY_BYTES,
  type HttpClient,
  type ProbeRequest,
  type ProbeResponse,
  type RecordedResponse,
  type RequestBody,
} from '../src/http/types.js';
export {
  answerOf,
  attempt,
  describeFailure,
  exchangeOf,
  failureMeaning,
  formatBytes,
  requestLine,
  type Attempt,
  type FailureMeaning,
} from '../src/http/attempt.js';
export { endpointRequest } from '../src/http/endpoint-request.js';
export { streamedBody, type BodyPart } from '../src/http/streamed-body.js';
export { isWriteMethod } from '../src/http/methods.js';
export { fillPath, findEndpoint, isPublicPath, pathParams, pathWithinBase, templateRegex } from '../src/config/endpoints.js';

// Reading answers.
export { findItems, isObject, itemId } from '../src/pagination/items.js';
export {
  findNextPage,
  guessCursorParam,
  NEXT_TOKEN_FIELDS,
  nextPageRequest,
  type NextPage,
  type NextPageRequest,
} from '../src/pagination/next-page.js';
export { knownItems, pageSignals, statedTotal, type PageSignals, type Stated } from '../src/pagination/signals.js';
export { describeStyle, isLastPosition, positionCandidates, positionOf, type PositionParam } from '../src/pagination/positions.js';

// Timing.
export { describeRound, peakOverlap, sample, samplesOrTimeout, type SampleRound, type Samples } from '../src/measure/sampler.js';
export { formatMs, roundMs, summarize, type LatencySummary } from '../src/measure/percentiles.js';

// The service's own telemetry (checklist item 9): what ctx.telemetry reads.
export type { AlertRule, LogRead, MetricSample, MetricsSnapshot, ObservabilityConfig, Telemetry } from '../src/telemetry/types.js';
