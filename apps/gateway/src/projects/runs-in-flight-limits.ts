import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ProjectLimitsCache } from './project-limits-cache';

/**
 * A project's limit of runs in flight, which the gateway hands the scheduler
 * with every request that creates a run, a task or an ingest: the scheduler
 * counts them, and refuses past it.
 */
@Injectable()
export class RunsInFlightLimits {
  constructor(
    private readonly limits: ProjectLimitsCache,
    @Inject(GATEWAY_CONFIG)
    private readonly config: Pick<GatewayConfig, 'MEDIAFLOW_RUNS_IN_FLIGHT'>,
  ) {}

  /** Its own (`PATCH /projects/:id`), else MEDIAFLOW_RUNS_IN_FLIGHT. */
  async of(projectId: string): Promise<number> {
    const own = (await this.limits.limitsOf(projectId)).runs_in_flight;
    return own ?? this.config.MEDIAFLOW_RUNS_IN_FLIGHT;
  }
}
