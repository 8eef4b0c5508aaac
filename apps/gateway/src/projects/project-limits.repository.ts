import type { ProjectLimitsUpdate } from '@mediaflow/contracts';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { readStoredLimits, type StoredProjectLimits } from './project-limits';

/**
 * `gateway.projects.limits` (jsonb). Raw SQL: the column is this feature's,
 * and the project entity (shared with authentication) does not map it.
 */
@Injectable()
export class ProjectLimitsRepository {
  constructor(private readonly db: DataSource) {}

  /** The project's own limits; undefined when there is no such project. */
  async find(projectId: string): Promise<StoredProjectLimits | undefined> {
    const rows: { limits: unknown }[] = await this.db.query(
      `SELECT "limits" FROM "gateway"."projects" WHERE "id" = $1`,
      [projectId],
    );
    return rows[0] ? readStoredLimits(rows[0].limits) : undefined;
  }

  /**
   * Merges `update` into the project's limits in one statement (a `null`
   * removes a limit, so the default applies); false when there is no such project.
   */
  async update(projectId: string, update: ProjectLimitsUpdate): Promise<boolean> {
    // Wrapped in a SELECT: TypeORM answers a bare UPDATE with [rows, count].
    const rows: unknown[] = await this.db.query(
      `WITH "updated" AS (
         UPDATE "gateway"."projects"
            SET "limits" = jsonb_strip_nulls("limits" || $2::jsonb)
          WHERE "id" = $1
          RETURNING "id"
       )
       SELECT "id" FROM "updated"`,
      [projectId, JSON.stringify(update)],
    );
    return rows.length === 1;
  }
}
