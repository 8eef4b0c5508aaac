import { MediaflowError } from '@mediaflow/contracts';
import { IS_PUBLIC } from '@mediaflow/observability';
import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthService } from './auth.service';
import type { AuthenticatedRequest } from './principal';

/** Whether a route is answered without a key: marked @Public(), on it or on its controller. */
export function isPublicRoute(controller: object, handler: object): boolean {
  return (
    Reflect.getMetadata(IS_PUBLIC, handler) === true ||
    Reflect.getMetadata(IS_PUBLIC, controller) === true
  );
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The key in an `Authorization: Bearer <key>` header; undefined when there is none or it is malformed. */
export function bearerSecret(header: string | string[] | undefined): string | undefined {
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

export const MISSING_KEY_MESSAGE =
  'Missing API key: send the header "Authorization: Bearer <your API key>"';

interface HeaderRequest extends AuthenticatedRequest {
  headers: Record<string, string | string[] | undefined>;
}

/** Every route needs `Authorization: Bearer <key>` unless it is marked @Public(). */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (isPublicRoute(context.getClass(), context.getHandler())) return true;

    const request = context.switchToHttp().getRequest<HeaderRequest>();
    const secret = bearerSecret(request.headers.authorization);
    if (!secret) throw new MediaflowError('unauthorized', MISSING_KEY_MESSAGE);
    request.principal = await this.auth.authenticate(secret);
    return true;
  }
}
