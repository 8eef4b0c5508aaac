import { CreateProjectBodySchema } from '@mediaflow/contracts';
import { Body, Controller, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { parseBody } from '../http/request-parsing';
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
}
