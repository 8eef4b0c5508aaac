import { MediaflowError } from '@mediaflow/contracts';
import { UseGuards, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest } from './principal';

/**
 * Admin keys only, checked as a guard: before the route's interceptors, so
 * that an `Idempotency-Key`'s stored answer (a new project's first key,
 * with its secret) is replayed to an admin key alone, never to another key
 * of the same project that happens to send the same key and body.
 */
class AdminKeyGuard implements CanActivate {
  constructor(private readonly action: string) {}

  canActivate(context: ExecutionContext): boolean {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    if (!principal?.admin)
      throw new MediaflowError('forbidden', `Only an admin API key can ${this.action}`);
    return true;
  }
}

/** The route is for admin keys only; `action` completes "Only an admin API key can …". */
export const AdminOnly = (action: string) => UseGuards(new AdminKeyGuard(action));
