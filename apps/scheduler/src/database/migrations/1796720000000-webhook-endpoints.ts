import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook endpoints and their deliveries. The event log also keeps file and
 * automation events, which belong to no run: their `run_id` and `task_id`
 * are null. A delivery is one event to one endpoint, made in the
 * transaction that keeps the event (or by a redelivery), and goes with its
 * event when the log forgets it, or with its endpoint when that is deleted.
 */
export class WebhookEndpoints1796720000000 implements MigrationInterface {
  name = 'WebhookEndpoints1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scheduler"."events" ALTER COLUMN "run_id" DROP NOT NULL');
    await queryRunner.query(
      'ALTER TABLE "scheduler"."events" ALTER COLUMN "task_id" DROP NOT NULL',
    );
    // GET /events: the project's log, newest first.
    await queryRunner.query(
      'CREATE INDEX "events_project_newest" ON "scheduler"."events" ("project_id", "seq" DESC)',
    );
    await queryRunner.query(`
      CREATE TABLE "scheduler"."webhook_endpoints" (
        "id" text PRIMARY KEY,
        "project_id" text NOT NULL,
        "url" text NOT NULL,
        "enabled_events" text[] NOT NULL,
        "status" text NOT NULL DEFAULT 'active',
        "secret" text NOT NULL,
        "failing_since" timestamptz NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "webhook_endpoints_status_check" CHECK ("status" IN ('active', 'paused'))
      )`);
    await queryRunner.query(
      'CREATE INDEX "webhook_endpoints_project" ON "scheduler"."webhook_endpoints" ("project_id", "created_at" DESC, "id" DESC)',
    );
    await queryRunner.query(`
      CREATE TABLE "scheduler"."event_deliveries" (
        "id" bigserial PRIMARY KEY,
        "event_id" text NOT NULL REFERENCES "scheduler"."events" ("id") ON DELETE CASCADE,
        "endpoint_id" text NOT NULL REFERENCES "scheduler"."webhook_endpoints" ("id") ON DELETE CASCADE,
        "redelivery" boolean NOT NULL DEFAULT false,
        "attempts" integer NOT NULL DEFAULT 0,
        "next_attempt_at" timestamptz NULL DEFAULT now(),
        "claimed_until" timestamptz NULL,
        "delivered_at" timestamptz NULL,
        "last_status" integer NULL,
        "last_error" text NULL,
        "last_duration_ms" integer NULL,
        "attempt_history" jsonb NOT NULL DEFAULT '[]',
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      'CREATE INDEX "event_deliveries_event" ON "scheduler"."event_deliveries" ("event_id")',
    );
    await queryRunner.query(
      'CREATE INDEX "event_deliveries_endpoint" ON "scheduler"."event_deliveries" ("endpoint_id")',
    );
    await queryRunner.query(
      'CREATE INDEX "event_deliveries_due" ON "scheduler"."event_deliveries" ("next_attempt_at") WHERE "next_attempt_at" IS NOT NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "scheduler"."event_deliveries"');
    await queryRunner.query('DROP TABLE "scheduler"."webhook_endpoints"');
    await queryRunner.query('DROP INDEX "scheduler"."events_project_newest"');
    await queryRunner.query(
      `DELETE FROM "scheduler"."events" WHERE "run_id" IS NULL OR "task_id" IS NULL`,
    );
    await queryRunner.query('ALTER TABLE "scheduler"."events" ALTER COLUMN "task_id" SET NOT NULL');
    await queryRunner.query('ALTER TABLE "scheduler"."events" ALTER COLUMN "run_id" SET NOT NULL');
  }
}
