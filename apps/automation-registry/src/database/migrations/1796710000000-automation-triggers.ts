import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An automation may have a trigger (`{ kind: "event", event, conditions }`),
 * null for one run on demand only. The scheduler asks for a project's
 * active triggered automations on each stored file: a partial index keeps
 * that lookup to the few automations that have one.
 */
export class AutomationTriggers1796710000000 implements MigrationInterface {
  name = 'AutomationTriggers1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "registry"."automations" ADD COLUMN "trigger" jsonb NULL');
    await queryRunner.query(
      `CREATE INDEX "automations_project_triggered_idx" ON "registry"."automations" ("project_id", "created_at", "id")
        WHERE "trigger" IS NOT NULL AND "status" = 'active'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "registry"."automations_project_triggered_idx"');
    await queryRunner.query('ALTER TABLE "registry"."automations" DROP COLUMN "trigger"');
  }
}
