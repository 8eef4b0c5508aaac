import { CreateProjectBodySchema } from '@mediaflow/contracts';
import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseBody } from '../http/request-parsing';
import { UpdateProjectBodySchema, type ProjectWithLimits } from './project-limits';
import { ProjectsService } from './projects.service';
import type { CreatedProjectWithWebhookSecret } from './webhook-secret';

@Controller('projects')
export class ProjectsController {
  constructor(private readonly projects: ProjectsService) {}

  @Post()
  create(
    @CurrentPrincipal() caller: Principal,
    @Body() body: unknown,
  ): Promise<CreatedProjectWithWebhookSecret> {
    const { name } = parseBody(CreateProjectBodySchema, body);
    return this.projects.create(caller, name);
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
