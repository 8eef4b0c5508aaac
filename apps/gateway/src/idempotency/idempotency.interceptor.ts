import {
  Injectable,
  Logger,
  SetMetadata,
  UseInterceptors,
  applyDecorators,
  createParamDecorator,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
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
import type { KeyReservation } from './idempotency-store';
import { IdempotencyService, type IdempotencyOptions } from './idempotency.service';

const IDEMPOTENCY_OPTIONS = 'mediaflow:idempotency';

interface IdempotentRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
  /** The key this request holds, and the claim it runs under, when it sent one. */
  idempotencyReservation?: KeyReservation;
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

  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const http = context.switchToHttp();
    const request = http.getRequest<IdempotentRequest>();
    const key = parseIdempotencyKey(request.headers[IDEMPOTENCY_KEY_HEADER]);
    const principal = request.principal;
    if (key === undefined || !principal) return next.handle();

    const { projectId } = principal;
    const options =
      this.reflector.get<IdempotencyOptions | undefined>(
        IDEMPOTENCY_OPTIONS,
        context.getHandler(),
      ) ?? {};
    const reply = http.getResponse<IdempotentReply>();
    const claim = await this.idempotency.claim(
      projectId,
      key,
      requestFingerprint(request.method, request.url, request.body),
      options,
    );
    if (claim.action === 'replay') {
      reply.status(claim.status).header(REPLAYED_HEADER, 'true');
      for (const [name, value] of Object.entries(claim.headers)) reply.header(name, value);
      return of(claim.body);
    }
    request.idempotencyReservation = { projectId, key, claimId: claim.claimId };

    return next.handle().pipe(
      // The handler failed: keep a client error to replay, free the key after ours; answer as usual.
      catchError((error: unknown) => {
        const { status, envelope } = toErrorResponse(error);
        return from(
          this.idempotency
            .settle(projectId, key, { status, body: envelope }, options)
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
          {
            status: reply.statusCode,
            body,
            headers: keptHeaders((name) => reply.getHeader(name)),
          },
          options,
        );
        return body;
      }),
    );
  }
}

/** How a route handler honours `Idempotency-Key`; undefined when it does not (it is no {@link Idempotent} route). */
export function idempotencyOptionsOf(handler: object): IdempotencyOptions | undefined {
  return Reflect.getMetadata(IDEMPOTENCY_OPTIONS, handler) as IdempotencyOptions | undefined;
}

/**
 * Marks a POST route as honouring `Idempotency-Key`. `resumable`: the route
 * creates what it creates with the request's {@link IdempotencyClaim}, in
 * the transaction that records it (the claim on the object, in the service
 * that owns it; or, in the gateway's own schema, the answer itself:
 * {@link IdempotencyReservation}), so that a retry of a request cut short
 * resumes the claim and finds what the first made (decideOnTakenKey).
 * Without it, a 5xx frees the key and a gateway that died mid-request
 * leaves it "in progress" until it counts as abandoned, and either way the
 * retry runs afresh: for routes whose repeat is harmless (a rotation, a
 * redelivery), never for one that creates.
 */
export const Idempotent = (options: IdempotencyOptions = {}) =>
  applyDecorators(
    SetMetadata(IDEMPOTENCY_OPTIONS, options),
    UseInterceptors(IdempotencyInterceptor),
  );

/** The claim of the request's `Idempotency-Key`, undefined when it sent none. */
export const IdempotencyClaim = createParamDecorator(
  (_data: unknown, context: ExecutionContext): string | undefined =>
    context.switchToHttp().getRequest<IdempotentRequest>().idempotencyReservation?.claimId,
);

/**
 * The request's `Idempotency-Key` as it holds it (project, key, claim),
 * undefined when it sent none: what a route that creates in the gateway's
 * own schema records its answer under (IdempotencyService.createOnce).
 */
export const IdempotencyReservation = createParamDecorator(
  (_data: unknown, context: ExecutionContext): KeyReservation | undefined =>
    context.switchToHttp().getRequest<IdempotentRequest>().idempotencyReservation,
);
