import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ProjectsModule } from '../projects/projects.module';
import { AuthFailures } from './auth-failures';
import { ProjectRateLimitInterceptor } from './project-rate-limit.interceptor';
import { ProjectRateLimits } from './project-rate-limits';
import { RateLimitStore } from './rate-limit-store';

/**
 * Per-project request limits and failed authentications by address
 * (docs/http-api.md, 429). The interceptor is global from here; the root
 * module registers AuthFailureGuard, before the key guard.
 */
@Module({
  imports: [ProjectsModule],
  providers: [
    RateLimitStore,
    ProjectRateLimits,
    AuthFailures,
    { provide: APP_INTERCEPTOR, useClass: ProjectRateLimitInterceptor },
  ],
  exports: [AuthFailures],
})
export class RateLimitsModule {}
