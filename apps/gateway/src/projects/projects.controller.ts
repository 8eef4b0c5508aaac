import {
  UpdateProjectBodySchema,
  type CreatedProjectWithWebhookSecret,
  type ProjectWithLimits,
} from '@mediaflow/contracts';
import { CreateProjectBodySchema } from '@mediaflow/contracts';
import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { AdminOnly } from '../auth/admin-key.guard';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseBody } from '../http/request-parsing';
import type { KeyReservation } from '../idempotency/idempotency-store';
import { IdempotencyReservation, Idempotent } from '../idempotency/idempotency.interceptor';
import { ProjectsService } from './projects.service';

@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  @AdminOnly('create projects')
  @Idempotent({ resumable: true })
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
    @IdempotencyReservation() reservation: KeyReservation | undefined,
  ): Promise<CreatedProjectWithWebhookSecret> {
    const { name } = parseBody(CreateProjectBodySchema, body);
    return this.projects.create(caller, name, reservation);
  }

  @Get(':id')
  get(@CurrentPrincipal() caller: Principal, @Param('id') id: string): Promise<ProjectWithLimits> {
    return this.projects.get(caller, id);
  }

  @Patch(':id')
  update(
    @CurrentPrincipal() caller: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
  ): Promise<ProjectWithLimits> {
    const { limits } = parseBody(UpdateProjectBodySchema, body);
    return this.projects.updateLimits(caller, id, limits);
  }
}
