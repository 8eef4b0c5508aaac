import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The project's event log: each kept event of a task (created, started,
 * and how it ended), written in the transaction that made the change, so
 * that a stream cut off resumes without loss. `xid` is the writing
 * transaction: read in (xid, seq) order up to the oldest transaction still
 * running, the log never shows a later event before an earlier one commits.
 */
export class EventLog1796400000000 implements MigrationInterface {
  name = 'EventLog1796400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "scheduler"."events" (
        "seq" bigserial PRIMARY KEY,
        "id" text NOT NULL UNIQUE,
        "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),
        "project_id" text NOT NULL,
        "run_id" text NOT NULL,
        "task_id" text NOT NULL,
        "automation_id" text NULL,
        "type" text NOT NULL,
        "created_at" bigint NOT NULL,
        "recorded_at" timestamptz NOT NULL DEFAULT now(),
        "data" jsonb NOT NULL
      )`);
    await queryRunner.query(
      'CREATE INDEX "events_project_order" ON "scheduler"."events" ("project_id", "xid", "seq")',
    );
    await queryRunner.query(
      'CREATE INDEX "events_run_order" ON "scheduler"."events" ("run_id", "xid", "seq")',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "scheduler"."events"');
  }
}
