import { Inject, Injectable, Logger } from '@nestjs/common';
import { RateLimiterRes } from 'rate-limiter-flexible';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ProjectLimitsCache } from '../projects/project-limits-cache';
import {
  isOverQuota,
  projectQuota,
  rateLimitHeaders,
  retryAfterSeconds,
  type RateLimitQuota,
  type WindowUse,
} from './rate-limit-policy';
import { RateLimitStore } from './rate-limit-store';

/** What one request did to its project's window. */
export type ProjectRequestOutcome =
  | { allowed: true; headers: Record<string, string> }
  | {
      allowed: false;
      headers: Record<string, string>;
      quota: RateLimitQuota;
      retryAfterS: number;
    };

/** Each authenticated request takes one point of its project's window. */
@Injectable()
export class ProjectRateLimits {
  private readonly logger = new Logger('RateLimits');

  constructor(
    private readonly store: RateLimitStore,
    private readonly limits: ProjectLimitsCache,
    @Inject(GATEWAY_CONFIG)
    private readonly config: Pick<
      GatewayConfig,
      'MEDIAFLOW_RATE_LIMIT_RPS' | 'MEDIAFLOW_RATE_LIMIT_WINDOW_S'
    >,
  ) {}

  /** Counts one request of `projectId`; undefined when it could not be counted (it then passes). */
  async take(projectId: string): Promise<ProjectRequestOutcome | undefined> {
    const quota = await this.quotaOf(projectId);
    let use: WindowUse;
    try {
      use = await this.store.projectLimiter(quota.points).consume(projectId);
    } catch (rejection) {
      // The library rejects with the window's state when the request is over the quota,
      if (!(rejection instanceof RateLimiterRes)) {
        // and with an error when PostgreSQL and the in-memory insurance both failed: no reason to fail a request.
        this.logger.warn(`cannot count a request of ${projectId}: ${String(rejection)}`);
        return undefined;
      }
      use = rejection;
    }
    const headers = rateLimitHeaders(quota, use);
    if (!isOverQuota(quota, use)) return { allowed: true, headers };
    return { allowed: false, headers, quota, retryAfterS: retryAfterSeconds(use.msBeforeNext) };
  }

  /** The project's own limit, or the default; the default too when its limits cannot be read. */
  private async quotaOf(projectId: string): Promise<RateLimitQuota> {
    let requestsPerSecond = this.config.MEDIAFLOW_RATE_LIMIT_RPS;
    try {
      requestsPerSecond =
        (await this.limits.limitsOf(projectId)).requests_per_second ?? requestsPerSecond;
    } catch (error) {
      this.logger.warn(`cannot read the limits of ${projectId}: ${String(error)}`);
    }
    return projectQuota(requestsPerSecond, this.config.MEDIAFLOW_RATE_LIMIT_WINDOW_S);
  }
}
