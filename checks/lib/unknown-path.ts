import type { ProbeResponse } from '../../src/http/types.js';
import { ProbeError } from '../../src/http/types.js';
import type { CheckContext, Exchange } from '../../src/types.js';
import { PER_PATH_ERRORS, randomSegment } from './auth-probes.js';
import { sameShape, shapeOf, type Shape } from './response-compare.js';

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
      const path = `${parent}/${randomSegment()}`;
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

