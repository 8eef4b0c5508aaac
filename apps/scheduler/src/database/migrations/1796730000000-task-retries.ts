import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retrying what failed (`POST /tasks/:id/retry`, docs/runs.md, Retrying):
 * - `attempt_history`: each attempt of a task that has ended and been
 *   followed by another, as `{ attempt, status, error, started_at,
 *   finished_at }` (unix seconds); the current attempt is read from the row.
 * - `attempt_started_at`: when a worker took the current attempt
 *   (`started_at` stays the task's first start).
 * - `task_retries`: the idempotency claim of each retry asked for, written
 *   in the transaction that retries, so that a request retried after a crash
 *   finds it and retries nothing twice. Gone with its task.
 * - A run that is retried can end again, and its webhook is sent again: one
 *   delivery per task and round (`task_attempt`: the run's retries, or a
 *   single task's attempt), no longer one per task.
 */
export class TaskRetries1796730000000 implements MigrationInterface {
  name = 'TaskRetries1796730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "scheduler"."tasks"
        ADD COLUMN "attempt_history" jsonb NOT NULL DEFAULT '[]'::jsonb,
        ADD COLUMN "attempt_started_at" timestamptz NULL`);
    await queryRunner.query(`
      CREATE TABLE "scheduler"."task_retries" (
        "project_id" text NOT NULL,
        "idempotency_key" text NOT NULL,
        "task_id" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "task_retries_pkey" PRIMARY KEY ("project_id", "idempotency_key"),
        CONSTRAINT "task_retries_task_fkey" FOREIGN KEY ("task_id")
          REFERENCES "scheduler"."tasks" ("id") ON DELETE CASCADE
      )`);
    await queryRunner.query(
      'CREATE INDEX "task_retries_task_idx" ON "scheduler"."task_retries" ("task_id")',
    );
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_deliveries" ADD COLUMN "task_attempt" integer NOT NULL DEFAULT 0',
    );
    await queryRunner.query('DROP INDEX "scheduler"."webhook_deliveries_task_idx"');
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_deliveries_task_idx" ON "scheduler"."webhook_deliveries" ("task_id", "task_attempt")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "scheduler"."webhook_deliveries_task_idx"');
    await queryRunner.query(
      'DELETE FROM "scheduler"."webhook_deliveries" d USING "scheduler"."webhook_deliveries" e WHERE d.task_id = e.task_id AND d.task_attempt < e.task_attempt',
    );
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_deliveries_task_idx" ON "scheduler"."webhook_deliveries" ("task_id")',
    );
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_deliveries" DROP COLUMN "task_attempt"',
    );
    await queryRunner.query('DROP TABLE "scheduler"."task_retries"');
    await queryRunner.query(
      'ALTER TABLE "scheduler"."tasks" DROP COLUMN "attempt_history", DROP COLUMN "attempt_started_at"',
    );
  }
}
