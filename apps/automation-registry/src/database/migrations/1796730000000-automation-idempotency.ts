import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An automation created for a request with `Idempotency-Key` keeps the
 * gateway's claim of that key, written by the INSERT that creates it: a
 * retry after a crash (of the gateway, or between the commit and the
 * answer) finds the automation the first request made instead of making a
 * second one. Unique per project, as the scheduler's `tasks.idempotency_key`.
 */
export class AutomationIdempotency1796730000000 implements MigrationInterface {
  name = 'AutomationIdempotency1796730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "registry"."automations" ADD COLUMN "idempotency_key" text NULL',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "automations_project_idempotency_key" ON "registry"."automations" ("project_id", "idempotency_key")
        WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "registry"."automations_project_idempotency_key"');
    await queryRunner.query('ALTER TABLE "registry"."automations" DROP COLUMN "idempotency_key"');
  }
}
