import {
  AutomationListQuerySchema,
  ID_PREFIX,
  MediaflowError,
  idSchema,
  newId,
  notFound,
  toList,
  type Automation,
  type DeletedAutomation,
  type List,
  type TriggerEvent,
} from '@mediaflow/contracts';
import { parseAutomationCreate, parseAutomationUpdate } from '@mediaflow/workflow';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { QueryDeepPartialEntity, Repository } from 'typeorm';
import { toAutomationObject, toDeletedAutomation } from './automation-object';
import { AutomationEntity } from './automation.entity';

const automationId = idSchema(ID_PREFIX.automation);

/**
 * Automations CRUD. Every query is scoped by project: another project's
 * automation is answered exactly like a missing one (docs/http-api.md: 404 for both).
 */
@Injectable()
export class AutomationsService {
  constructor(
    @InjectRepository(AutomationEntity) private readonly automations: Repository<AutomationEntity>,
  ) {}

  /**
   * A new automation; with an idempotency claim, once: the INSERT writes the
   * claim (unique per project), so a request that resumes it (its first try
   * cut short after the commit) or runs beside it finds the automation the
   * claim made, and no second one, nor a second `automation.created`, is made.
   */
  async create(projectId: string, body: unknown, claim?: string): Promise<Automation> {
    const fields = parseAutomationCreate(body);
    // created_at and updated_at are the database's now(), like every later updated_at.
    const insert = this.automations
      .createQueryBuilder()
      .insert()
      .into(AutomationEntity)
      .values(
        persistable({
          id: newId(ID_PREFIX.automation),
          project_id: projectId,
          ...fields,
          idempotency_key: claim ?? null,
        }),
      )
      .returning('*');
    if (claim === undefined)
      return toAutomationObject(((await insert.execute()).raw as AutomationEntity[])[0]!);
    // Only the claim's index can conflict (the id is new). A twin still
    // running is waited for by PostgreSQL; once it has committed, its
    // automation is read below.
    const made = ((await insert.orIgnore().execute()).raw as AutomationEntity[])[0];
    if (made) return toAutomationObject(made);
    const existing = await this.automations.findOneBy({
      project_id: projectId,
      idempotency_key: claim,
    });
    if (!existing) throw new Error(`the automation of claim ${claim} is neither made nor found`);
    return toAutomationObject(existing);
  }

  async list(projectId: string, rawQuery: Record<string, unknown>): Promise<List<Automation>> {
    const parsed = AutomationListQuerySchema.safeParse(rawQuery);
    if (!parsed.success) {
      throw new MediaflowError(
        'validation_failed',
        'The list query is invalid',
        parsed.error.issues.map((issue) => ({
          path: issue.path.join('.') || 'query',
          message: issue.message,
        })),
      );
    }
    const query = parsed.data;
    const [rows, total] = await this.automations.findAndCount({
      where: {
        project_id: projectId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.name !== undefined ? { name: query.name } : {}),
      },
      order: { created_at: 'DESC', id: 'DESC' },
      skip: (query.page - 1) * query.limit,
      take: query.limit,
    });
    return toList(rows.map(toAutomationObject), query, total);
  }

  /**
   * The project's active automations with a trigger on `event`, oldest
   * first; the caller (the scheduler) matches their conditions on the file.
   */
  async listTriggered(projectId: string, event: TriggerEvent): Promise<{ data: Automation[] }> {
    const rows = await this.automations
      .createQueryBuilder('automation')
      .where('automation.project_id = :projectId', { projectId })
      .andWhere("automation.status = 'active'")
      .andWhere('automation.trigger IS NOT NULL')
      .andWhere("automation.trigger ->> 'event' = :event", { event })
      .orderBy('automation.created_at', 'ASC')
      .addOrderBy('automation.id', 'ASC')
      .getMany();
    return { data: rows.map(toAutomationObject) };
  }

  async get(projectId: string, id: string): Promise<Automation> {
    return toAutomationObject(await this.find(projectId, id));
  }

  async update(projectId: string, id: string, body: unknown): Promise<Automation> {
    if (!automationId.safeParse(id).success) throw notFound('automation', id);
    const changes = parseAutomationUpdate(body);
    // One statement, scoped by project: no window in which a concurrent delete could be undone.
    const result = await this.automations
      .createQueryBuilder()
      .update(AutomationEntity)
      .set({ ...persistable(changes), updated_at: () => 'now()' })
      .where('id = :id AND project_id = :projectId', { id, projectId })
      .returning('*')
      .execute();
    const rows = result.raw as AutomationEntity[];
    if (rows.length === 0) throw notFound('automation', id);
    return toAutomationObject(rows[0]!);
  }

  async delete(projectId: string, id: string): Promise<DeletedAutomation> {
    if (!automationId.safeParse(id).success) throw notFound('automation', id);
    const result = await this.automations.delete({ id, project_id: projectId });
    if (!result.affected) throw notFound('automation', id);
    return toDeletedAutomation(id);
  }

  private async find(projectId: string, id: string): Promise<AutomationEntity> {
    if (!automationId.safeParse(id).success) throw notFound('automation', id);
    const entity = await this.automations.findOneBy({ id, project_id: projectId });
    if (!entity) throw notFound('automation', id);
    return entity;
  }
}

/**
 * TypeORM's insert/update value types recurse into jsonb columns and cannot
 * take the workflow's `Record<string, unknown>` options; the values are fine.
 */
function persistable(values: Partial<AutomationEntity>): QueryDeepPartialEntity<AutomationEntity> {
  return values as QueryDeepPartialEntity<AutomationEntity>;
}
