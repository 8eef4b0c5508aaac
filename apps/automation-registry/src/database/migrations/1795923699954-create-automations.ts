import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The automations table. The "registry" schema itself is created by migrateServiceSchema. */
export class CreateAutomations1795923699954 implements MigrationInterface {
  name = 'CreateAutomations1795923699954';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "registry"."automations" (
        "id" text NOT NULL,
        "project_id" text NOT NULL,
        "name" text NOT NULL,
        "description" text NULL,
        "workflow" jsonb NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "automations_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "automations_status_check" CHECK ("status" IN ('active', 'paused'))
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "automations_project_created_idx" ON "registry"."automations" ("project_id", "created_at" DESC, "id" DESC)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "registry"."automations_project_created_idx"');
    await queryRunner.query('DROP TABLE "registry"."automations"');
  }
}
