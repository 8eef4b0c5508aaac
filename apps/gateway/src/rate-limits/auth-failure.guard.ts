import { MediaflowError } from '@mediaflow/contracts';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { isPublicRoute } from '../auth/api-key.guard';
import { AuthFailures } from './auth-failures';
import { RETRY_AFTER_HEADER } from './rate-limit-policy';

interface AddressedRequest {
  ip: string;
  headers: Record<string, string | string[] | undefined>;
  query?: unknown;
}

interface HeaderReply {
  header(name: string, value: string): unknown;
}

/**
 * Whether a request asks to be authenticated: a key route always does; a
 * public one when it carries a key or a signed URL's signature (file
 * downloads check them themselves). The probes, metrics and the document
 * never do, so a refused address (a proxy's, say) keeps them.
 */
export function asksForAuthentication(
  publicRoute: boolean,
  request: Pick<AddressedRequest, 'headers' | 'query'>,
): boolean {
  if (!publicRoute) return true;
  const query = (request.query ?? {}) as Record<string, unknown>;
  return request.headers.authorization !== undefined || query.signature !== undefined;
}

/**
 * Refuses, with 429 and `Retry-After`, a request from an address over its
 * failed authentications (AuthFailures), before any key is looked at.
 * Registered as a global guard before ApiKeyGuard (gateway.module.ts):
 * Nest runs global guards in the order they are provided.
 */
@Injectable()
export class AuthFailureGuard implements CanActivate {
  constructor(private readonly failures: AuthFailures) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<AddressedRequest>();
    if (!asksForAuthentication(isPublicRoute(context.getClass(), context.getHandler()), request))
      return true;
    const retryAfterS = await this.failures.refusal(request.ip);
    if (retryAfterS === undefined) return true;
    // The envelope filter keeps the headers already on the reply.
    http.getResponse<HeaderReply>().header(RETRY_AFTER_HEADER, String(retryAfterS));
    throw new MediaflowError(
      'rate_limited',
      `Too many failed authentications from this address; try again in ${retryAfterS} s`,
    );
  }
}
