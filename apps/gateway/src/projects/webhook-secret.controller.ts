import type { WebhookSecret } from '@mediaflow/contracts';
import { Controller, Get } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal';
import { ProjectsService } from './projects.service';

/** The caller's project's webhook secret, to check `Mediaflow-Signature` with. */
@Controller('webhook-secret')
export class WebhookSecretController {
  constructor(private readonly projects: ProjectsService) {}

  @Get()
  async get(@CurrentPrincipal() caller: Principal): Promise<WebhookSecret> {
    return {
      object: 'webhook_secret',
      secret: await this.projects.webhookSecret(caller.projectId),
    };
  }
}
