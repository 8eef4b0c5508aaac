import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module';
import { ProjectEntity } from '../auth/project.entity';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ProjectLimitsCache } from './project-limits-cache';
import { ProjectLimitsRepository } from './project-limits.repository';
import { ProjectsController } from './projects.controller';
import { ProjectsService } from './projects.service';
import { RunsInFlightLimits } from './runs-in-flight-limits';
import { StartupKeys } from './startup-keys';
import { WebhookSecretController } from './webhook-secret.controller';

@Module({
  imports: [TypeOrmModule.forFeature([ProjectEntity]), ApiKeysModule, IdempotencyModule],
  controllers: [ProjectsController, WebhookSecretController],
  providers: [
    ProjectsService,
    StartupKeys,
    ProjectLimitsRepository,
    ProjectLimitsCache,
    RunsInFlightLimits,
  ],
  exports: [ProjectsService, ProjectLimitsCache, RunsInFlightLimits],
})
export class ProjectsModule {}
