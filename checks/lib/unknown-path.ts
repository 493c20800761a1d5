import { ProbeError, type CheckContext, type Exchange, type ProbeResponse, type Target } from '../api.js';
import { PER_PATH_ERRORS, randomSegment } from './auth-probes.js';
import { sameShape, shapeOf, type Shape } from './response-compare.js';

/** /user/{username} → a matcher for /user/<any one segment>; a literal segment must match as written. */
function templateMatcher(template: string): RegExp {
  const trimmed = template.replace(/(.)\/+$/, '$1');
  const source = trimmed
    .split(/(\{[^}]*\})/)
    .map((part) => (part.startsWith('{') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}/?$`, 'i');
}

/** Every route the target is known to serve: configured endpoints, spec operations merged in (--openapi), health and the allow-list. */
function knownTemplates(target: Target): RegExp[] {
  const paths = [
    ...target.endpoints.map((e) => e.path),
    ...(target.health ? [target.health] : []),
    ...target.publicPaths.filter((p) => !p.includes('*')),
  ];
  return [...new Set(paths)].map(templateMatcher);
}

/**
 * A path below `prefix` that no known route template can match, so whatever answers it is the
 * API's fallback: /user/preflight-x would match a documented /user/{username} (its own route, not
 * the fallback), so it gets one more segment (/user/preflight-x/preflight-x) until nothing matches.
 */
export function unmatchedPath(target: Target, prefix: string, segment: string): string {
  const templates = knownTemplates(target);
  const deepest = Math.max(0, ...target.endpoints.map((e) => e.path.split('/').length));
  let path = `${prefix}/${segment}`;
  while (templates.some((t) => t.test(path)) && path.split('/').length <= deepest) path = `${path}/${segment}`;
  return path;
}

/**
 * What an unknown path answers, at the root and below a given parent (/actuator/preflight-x),
 * each asked once. A catch-all under /admin answers /admin/anything the same way.
 */
export class UnknownPathAnswers {
  private readonly answers = new Map<string, Promise<{ shape: Shape; response: ProbeResponse } | undefined>>();

  constructor(private readonly ctx: CheckContext) {}

  async matches(parent: string, shape: Shape): Promise<boolean> {
    const known = await this.answerBelow(parent);
    return known !== undefined && sameShape(known.shape, shape);
  }

  /** The root's answer, for messages: "404". */
  async status(): Promise<string> {
    const root = await this.answerBelow('');
    return root ? String(root.response.status) : 'no answer';
  }

  /** The root calibration exchange: what "an unknown path" answered, as evidence for a pass. */
  async evidence(): Promise<Exchange[]> {
    const root = await this.answerBelow('');
    return root ? [root.response.exchange] : [];
  }

  private answerBelow(parent: string): Promise<{ shape: Shape; response: ProbeResponse } | undefined> {
    let answer = this.answers.get(parent);
    if (!answer) {
      const path = unmatchedPath(this.ctx.target, parent, randomSegment());
      answer = this.ctx.http
        .send({ method: 'GET', path, auth: false, followRedirects: false, purpose: 'a path that does not exist, to calibrate' })
        .then((response) => ({ shape: shapeOf(response, [path]), response }))
        .catch((error: unknown) => {
          if (error instanceof ProbeError && PER_PATH_ERRORS.has(error.code)) return undefined;
          throw error;
        });
      this.answers.set(parent, answer);
    }
    return answer;
  }
}
