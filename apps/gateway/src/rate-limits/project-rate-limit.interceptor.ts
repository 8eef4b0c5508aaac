import { MediaflowError } from '@mediaflow/contracts';
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal';
import { RETRY_AFTER_HEADER } from './rate-limit-policy';
import { ProjectRateLimits } from './project-rate-limits';

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Every authenticated request takes a point of its project's window; the
 * answer carries the `RateLimit-*` headers, and one over the quota is a 429
 * `rate_limited` with `Retry-After` too. A global interceptor, so it runs
 * after the guards have authenticated the caller; routes without a caller
 * (the public ones) are not counted.
 */
@Injectable()
export class ProjectRateLimitInterceptor implements NestInterceptor {
  constructor(private readonly limits: ProjectRateLimits) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const principal = http.getRequest<AuthenticatedRequest>().principal;
    if (!principal) return next.handle();

    const outcome = await this.limits.take(principal.projectId);
    if (!outcome) return next.handle();
    const reply = http.getResponse<HeaderReply>();
    for (const [name, value] of Object.entries(outcome.headers)) reply.header(name, value);
    if (outcome.allowed) return next.handle();
    // The envelope filter keeps the headers already on the reply.
    reply.header(RETRY_AFTER_HEADER, String(outcome.retryAfterS));
    throw new MediaflowError(
      'rate_limited',
      `The project is over its limit of ${outcome.quota.points} requests per ${outcome.quota.windowS} s; ` +
        `try again in ${outcome.retryAfterS} s`,
    );
  }
}
