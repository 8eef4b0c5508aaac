import type {
  CreatedProjectWithWebhookSecret,
  ProjectLimitsUpdate,
  ProjectWithLimits,
} from '@mediaflow/contracts';
import { MediaflowError, newId, type Project } from '@mediaflow/contracts';
import { toUnixSeconds } from '@mediaflow/database';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ProjectEntity } from '../auth/project.entity';
import type { Principal } from '../auth/principal';
import type { KeyReservation } from '../idempotency/idempotency-store';
import { IdempotencyService } from '../idempotency/idempotency.service';
import { ProjectLimitsCache } from './project-limits-cache';
import { toProjectLimits } from './project-limits';
import { ProjectLimitsRepository } from './project-limits.repository';
import { newWebhookSecret } from './webhook-secret';

export const DEFAULT_PROJECT_NAME = 'Default';

export function toProject(project: ProjectEntity): Project {
  return {
    id: project.id,
    object: 'project',
    name: project.name,
    created_at: toUnixSeconds(project.createdAt),
  };
}

@Injectable()
export class ProjectsService {
  constructor(
    @InjectRepository(ProjectEntity) private readonly projects: Repository<ProjectEntity>,
    private readonly apiKeys: ApiKeysService,
    private readonly limits: ProjectLimitsRepository,
    private readonly limitsCache: ProjectLimitsCache,
    private readonly idempotency: IdempotencyService,
  ) {}

  /**
   * A project with its limits. An admin key reads any project; another key
   * only its own, and another project is a 404, as any object of another
   * project is.
   */
  async get(caller: Principal, projectId: string): Promise<ProjectWithLimits> {
    const project =
      caller.admin || caller.projectId === projectId
        ? await this.projects.findOneBy({ id: projectId })
        : null;
    const limits = project ? await this.limits.find(project.id) : undefined;
    if (!project || !limits) throw new MediaflowError('not_found', `No project ${projectId}`);
    return { ...toProject(project), limits: toProjectLimits(limits) };
  }

  /**
   * Changes a project's limits. Admin keys only. This replica applies them
   * from the next request; the others within PROJECT_LIMITS_FRESH_MS.
   */
  async updateLimits(
    caller: Principal,
    projectId: string,
    update: ProjectLimitsUpdate,
  ): Promise<ProjectWithLimits> {
    if (!caller.admin)
      throw new MediaflowError('forbidden', "Only an admin API key can change a project's limits");
    if (!(await this.limits.update(projectId, update)))
      throw new MediaflowError('not_found', `No project ${projectId}`);
    this.limitsCache.forget(projectId);
    return this.get(caller, projectId);
  }

  /**
   * A new project and its first key, committed together. Admin keys only.
   * With an `Idempotency-Key` the answer (the key's secret included) commits
   * with them, so that a retry gets the same project and key.
   */
  async create(
    caller: Principal,
    name: string,
    reservation?: KeyReservation,
  ): Promise<CreatedProjectWithWebhookSecret> {
    if (!caller.admin)
      throw new MediaflowError('forbidden', 'Only an admin API key can create projects');
    return this.projects.manager.transaction((manager) =>
      this.idempotency.createOnce(manager, reservation, async () => {
        const project = manager.create(ProjectEntity, {
          id: newId('prj'),
          name,
          isDefault: false,
          webhookSecret: newWebhookSecret(),
          createdAt: new Date(),
        });
        await manager.insert(ProjectEntity, project);
        const apiKey = await this.apiKeys.issue(manager, project.id);
        return {
          project: { ...toProject(project), webhook_secret: project.webhookSecret },
          api_key: apiKey,
        };
      }),
    );
  }

  /**
   * The default project, made on first start. The partial unique index on
   * `is_default` turns a second gateway's concurrent insert into a no-op.
   */
  async ensureDefaultProject(): Promise<ProjectEntity> {
    await this.projects
      .createQueryBuilder()
      .insert()
      .into(ProjectEntity)
      .values({
        id: newId('prj'),
        name: DEFAULT_PROJECT_NAME,
        isDefault: true,
        webhookSecret: newWebhookSecret(),
        createdAt: new Date(),
      })
      .orIgnore()
      .execute();
    return this.projects.findOneByOrFail({ isDefault: true });
  }

  /** The key the scheduler signs the project's webhooks with. */
  async webhookSecret(projectId: string): Promise<string> {
    const project = await this.projects.findOne({
      select: { id: true, webhookSecret: true },
      where: { id: projectId },
    });
    // The caller's key belongs to the project, and keys are deleted with their project.
    if (!project) throw new MediaflowError('not_found', `No project ${projectId}`);
    return project.webhookSecret;
  }
}
