import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tasks (runs, their steps and ingests), the files they made, and webhook
 * deliveries. The "scheduler" schema itself is created by migrateServiceSchema.
 */
export class CreateScheduler1796000000000 implements MigrationInterface {
  name = 'CreateScheduler1796000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "scheduler"."tasks" (
        "id" text NOT NULL,
        "project_id" text NOT NULL,
        "run_id" text NOT NULL,
        "parent_id" text NULL,
        "branch" text NULL,
        "position" integer NOT NULL DEFAULT 0,
        "automation_id" text NULL,
        "kind" text NOT NULL,
        "ref" text NULL,
        "options" jsonb NOT NULL DEFAULT '{}',
        "conditions" jsonb NULL,
        "workflow" jsonb NULL,
        "status" text NOT NULL,
        "progress" integer NOT NULL DEFAULT 0,
        "input_file_id" text NULL,
        "output_file_id" text NULL,
        "output_data" jsonb NULL,
        "error" jsonb NULL,
        "attempt" integer NOT NULL DEFAULT 0,
        "max_attempts" integer NOT NULL,
        "source_url" text NULL,
        "webhook_url" text NULL,
        "webhook_secret" text NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "started_at" timestamptz NULL,
        "finished_at" timestamptz NULL,
        "dispatched_at" timestamptz NULL,
        "published_at" timestamptz NULL,
        "last_heard_at" timestamptz NULL,
        "next_attempt_at" timestamptz NULL,
        CONSTRAINT "tasks_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "tasks_run_fkey" FOREIGN KEY ("run_id") REFERENCES "scheduler"."tasks" ("id"),
        CONSTRAINT "tasks_parent_fkey" FOREIGN KEY ("parent_id") REFERENCES "scheduler"."tasks" ("id"),
        CONSTRAINT "tasks_status_check" CHECK ("status" IN ('pending', 'waiting', 'processing', 'completed', 'failed', 'skipped', 'cancelled')),
        CONSTRAINT "tasks_branch_check" CHECK ("branch" IN ('next', 'else')),
        CONSTRAINT "tasks_progress_check" CHECK ("progress" BETWEEN 0 AND 100),
        CONSTRAINT "tasks_attempt_check" CHECK ("attempt" >= 0 AND "max_attempts" >= 1)
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "tasks_project_created_idx" ON "scheduler"."tasks" ("project_id", "created_at" DESC, "id" DESC)',
    );
    await queryRunner.query('CREATE INDEX "tasks_run_idx" ON "scheduler"."tasks" ("run_id")');
    // The reconciler's scans: silent tasks, and retries that are due.
    await queryRunner.query(
      'CREATE INDEX "tasks_status_heard_idx" ON "scheduler"."tasks" ("status", "last_heard_at")',
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_next_attempt_idx" ON "scheduler"."tasks" ("next_attempt_at") WHERE "next_attempt_at" IS NOT NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE "scheduler"."files" (
        "id" text NOT NULL,
        "project_id" text NOT NULL,
        "task_id" text NULL,
        "ref" text NULL,
        "kind" text NOT NULL,
        "mimetype" text NOT NULL,
        "format" text NULL,
        "filename" text NOT NULL,
        "width" integer NULL,
        "height" integer NULL,
        "duration" double precision NULL,
        "fps" double precision NULL,
        "filesize" bigint NOT NULL,
        "has_audio" boolean NOT NULL,
        "has_video" boolean NOT NULL,
        "language" text NULL,
        "storage_key" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "deleted_at" timestamptz NULL,
        CONSTRAINT "files_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "files_task_fkey" FOREIGN KEY ("task_id") REFERENCES "scheduler"."tasks" ("id"),
        CONSTRAINT "files_kind_check" CHECK ("kind" IN ('video', 'image', 'audio', 'track', 'data'))
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "files_project_created_idx" ON "scheduler"."files" ("project_id", "created_at" DESC, "id" DESC)',
    );
    await queryRunner.query('CREATE INDEX "files_task_idx" ON "scheduler"."files" ("task_id")');
    await queryRunner.query(`
      ALTER TABLE "scheduler"."tasks"
        ADD CONSTRAINT "tasks_input_file_fkey" FOREIGN KEY ("input_file_id") REFERENCES "scheduler"."files" ("id"),
        ADD CONSTRAINT "tasks_output_file_fkey" FOREIGN KEY ("output_file_id") REFERENCES "scheduler"."files" ("id")
    `);

    await queryRunner.query(`
      CREATE TABLE "scheduler"."webhook_deliveries" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "task_id" text NOT NULL,
        "url" text NOT NULL,
        "body" jsonb NOT NULL,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NULL,
        "last_status" integer NULL,
        "last_error" text NULL,
        "delivered_at" timestamptz NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_deliveries_pkey" PRIMARY KEY ("id"),
        CONSTRAINT "webhook_deliveries_task_fkey" FOREIGN KEY ("task_id") REFERENCES "scheduler"."tasks" ("id")
      )
    `);
    // A task ends once: one delivery per task, whoever notices the end first.
    await queryRunner.query(
      'CREATE UNIQUE INDEX "webhook_deliveries_task_idx" ON "scheduler"."webhook_deliveries" ("task_id")',
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_due_idx" ON "scheduler"."webhook_deliveries" ("next_attempt_at") WHERE "next_attempt_at" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "scheduler"."webhook_deliveries"');
    await queryRunner.query(
      'ALTER TABLE "scheduler"."tasks" DROP CONSTRAINT "tasks_input_file_fkey", DROP CONSTRAINT "tasks_output_file_fkey"',
    );
    await queryRunner.query('DROP TABLE "scheduler"."files"');
    await queryRunner.query('DROP TABLE "scheduler"."tasks"');
  }
}
