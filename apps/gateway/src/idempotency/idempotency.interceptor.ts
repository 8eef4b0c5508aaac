import {
  Injectable,
  Logger,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { catchError, from, mergeMap, of, type Observable } from 'rxjs';
import type { AuthenticatedRequest } from '../auth/principal';
import { toErrorResponse } from '../http/error-envelope.filter';
import {
  IDEMPOTENCY_KEY_HEADER,
  REPLAYED_HEADER,
  keptHeaders,
  parseIdempotencyKey,
  requestFingerprint,
} from './idempotency-rules';
import { IdempotencyService } from './idempotency.service';

interface IdempotentRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

interface IdempotentReply {
  statusCode: number;
  status(code: number): IdempotentReply;
  header(name: string, value: string): IdempotentReply;
  getHeader(name: string): unknown;
}

/**
 * Honours `Idempotency-Key` on a POST (docs/http-api.md, Idempotency): the first
 * request with a key runs and its answer is kept; a replay within 24 hours
 * gets that answer again (its status, body and the headers that are part of
 * it), with `Idempotent-Replayed: true`, and runs nothing.
 * Runs after the guard, so the key is scoped to the caller's project.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Idempotency');

  constructor(private readonly idempotency: IdempotencyService) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const principal = request.principal;
    if (key === undefined || !principal) return next.handle();

    const { projectId } = principal;
    const reply = http.getResponse<IdempotentReply>();
    const claim = await this.idempotency.claim(
      projectId,
      key,
      requestFingerprint(request.method, request.url, request.body),
    );
    if (claim.action === 'replay') {
      reply.status(claim.status).header(REPLAYED_HEADER, 'true');
      for (const [name, value] of Object.entries(claim.headers)) reply.header(name, value);
      return of(claim.body);
    }

    return next.handle().pipe(
      // The handler failed: keep a client error to replay, free the key after ours; answer as usual.
      catchError((error: unknown) => {
        const { status, envelope } = toErrorResponse(error);
        return from(
          this.idempotency
            .settle(projectId, key, status, envelope)
            // Unsettled, the key reads "in progress" until it counts as abandoned;
            // the client still gets the real error.
            .catch((settleError: unknown) =>
              this.logger.warn(`cannot settle: ${(settleError as Error).message}`),
            )
            .then(() => {
              throw error;
            }),
        );
      }),
      // Kept before it is sent, so that a replay right after the answer finds it.
      mergeMap(async (body) => {
        await this.idempotency.settle(
          projectId,
          key,
          reply.statusCode,
          body,
          keptHeaders((name) => reply.getHeader(name)),
        );
        return body;
      }),
    );
  }
}

/** Marks a POST route as honouring `Idempotency-Key`. */
export const Idempotent = () => UseInterceptors(IdempotencyInterceptor);
