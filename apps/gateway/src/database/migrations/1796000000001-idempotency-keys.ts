import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `Idempotency-Key` reservations and the answers they replay (docs/http-api.md,
 * Idempotency). A row without `status` is a request still running.
 */
export class IdempotencyKeys1796000000001 implements MigrationInterface {
  name = 'IdempotencyKeys1796000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "gateway"."idempotency_keys" (
        "project_id" text NOT NULL REFERENCES "gateway"."projects" ("id") ON DELETE CASCADE,
        "key" text NOT NULL,
        "request_method" text NOT NULL,
        "request_path" text NOT NULL,
        "body_hash" text NOT NULL,
        "status" integer,
        "response" jsonb,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY ("project_id", "key")
      )`);
    // The hourly sweep of keys past their 24 hours.
    await q.query(
      `CREATE INDEX "idempotency_keys_created_at" ON "gateway"."idempotency_keys" ("created_at")`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."idempotency_keys"`);
  }
}
