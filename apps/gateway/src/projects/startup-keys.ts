import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { ProjectsService } from './projects.service';

/**
 * Before the gateway listens: the default project exists and, when
 * MEDIAFLOW_API_KEY is set, it is an active admin key of that project
 * (docs/http-api.md, Projects and keys). Both steps are single conflict-safe
 * statements, so gateways starting together agree.
 */
@Injectable()
export class StartupKeys implements OnModuleInit {
  private readonly logger = new Logger(StartupKeys.name);

  constructor(
    private readonly projects: ProjectsService,
    private readonly apiKeys: ApiKeysService,
    @Inject(GATEWAY_CONFIG) private readonly config: Pick<GatewayConfig, 'MEDIAFLOW_API_KEY'>,
  ) {}

  async onModuleInit(): Promise<void> {
    const project = await this.projects.ensureDefaultProject();
    if (this.config.MEDIAFLOW_API_KEY) {
      await this.apiKeys.ensureAdminKey(project.id, this.config.MEDIAFLOW_API_KEY);
    } else {
      this.logger.warn(
        'MEDIAFLOW_API_KEY is not set: only keys made earlier can call the API; set it to get an admin key',
      );
    }
  }
}
