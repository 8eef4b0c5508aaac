import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention (docs/retention.md, `src/retention/`):
 * - `tasks_ended_roots_idx`: the ended roots, oldest first, which retention
 *   walks (keyset on `finished_at, id`).
 * - Indexes on the task columns that point at a file or a parent: retention
 *   asks which tasks still use a file, and deleting a task or a file makes
 *   PostgreSQL check each foreign key pointing at the row, which without an
 *   index is a scan of `tasks` per deleted row. (`trigger_file_id` has the
 *   unique index of the triggers already, `run_id` its own.)
 * - `storage_deletions`: the objects of files whose rows retention has
 *   removed, written in that transaction and deleted from storage after the
 *   commit; what a crash or a storage error leaves is deleted in a later
 *   round, so no object is left behind for ever.
 */
export class Retention1796740000000 implements MigrationInterface {
  name = 'Retention1796740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "tasks_ended_roots_idx" ON "scheduler"."tasks" ("finished_at", "id")
        WHERE "id" = "run_id" AND "status" IN ('completed', 'failed', 'skipped', 'cancelled')`,
    );
    await queryRunner.query(
      'CREATE INDEX "tasks_parent_idx" ON "scheduler"."tasks" ("parent_id") WHERE "parent_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "tasks_input_file_idx" ON "scheduler"."tasks" ("input_file_id") WHERE "input_file_id" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "tasks_output_file_idx" ON "scheduler"."tasks" ("output_file_id") WHERE "output_file_id" IS NOT NULL',
    );
    await queryRunner.query(`
      CREATE TABLE "scheduler"."storage_deletions" (
        "storage_key" text PRIMARY KEY,
        "queued_at" timestamptz NOT NULL DEFAULT now(),
        "attempts" integer NOT NULL DEFAULT 0,
        "last_error" text NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX "storage_deletions_queued_idx" ON "scheduler"."storage_deletions" ("queued_at")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "scheduler"."storage_deletions"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_output_file_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_input_file_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_parent_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_ended_roots_idx"');
  }
}
