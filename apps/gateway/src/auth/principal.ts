import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

/** Who is calling: the API key the request was authenticated with. */
export interface Principal {
  keyId: string;
  projectId: string;
  admin: boolean;
}

/** What the guard leaves on the request. */
export interface AuthenticatedRequest {
  principal?: Principal;
}

/** The caller of an authenticated route; set by {@link ApiKeyGuard}. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    // Only reachable if a route were both @Public() and asked for its caller: a bug, not a client error.
    if (!principal) throw new Error('CurrentPrincipal used on a route without authentication');
    return principal;
  },
);
