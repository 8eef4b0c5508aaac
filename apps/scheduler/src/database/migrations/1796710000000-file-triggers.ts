import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Upload triggers. A run started by a trigger names the file that fired it
 * (`trigger_file_id`, on its root): one run per file and automation, held
 * by a unique index whatever replays or races. A standalone ingest
 * (`POST /files`) records when its file's triggers were evaluated; one
 * completed without (the registry could not be asked) is found by the
 * reconciler through a partial index of just those. Files stored before
 * this migration fire none.
 */
export class FileTriggers1796710000000 implements MigrationInterface {
  name = 'FileTriggers1796710000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "scheduler"."tasks"
        ADD COLUMN "trigger_file_id" text NULL,
        ADD COLUMN "triggers_evaluated_at" timestamptz NULL,
        ADD CONSTRAINT "tasks_trigger_file_fkey" FOREIGN KEY ("trigger_file_id") REFERENCES "scheduler"."files" ("id")
    `);
    await queryRunner.query(`
      UPDATE "scheduler"."tasks" SET "triggers_evaluated_at" = COALESCE("finished_at", now())
      WHERE "kind" = 'ingest' AND "id" = "run_id" AND "status" = 'completed'
    `);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tasks_trigger_file_automation" ON "scheduler"."tasks" ("trigger_file_id", "automation_id")
        WHERE "trigger_file_id" IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_triggers_due_idx" ON "scheduler"."tasks" ("finished_at")
        WHERE "kind" = 'ingest' AND "id" = "run_id" AND "status" = 'completed' AND "triggers_evaluated_at" IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "scheduler"."tasks_triggers_due_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_trigger_file_automation"');
    await queryRunner.query(`
      ALTER TABLE "scheduler"."tasks"
        DROP CONSTRAINT "tasks_trigger_file_fkey",
        DROP COLUMN "trigger_file_id",
        DROP COLUMN "triggers_evaluated_at"
    `);
  }
}
