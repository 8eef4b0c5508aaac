import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The response headers an `Idempotency-Key` replays with its answer
 * (`Preference-Applied` of a `Prefer: wait` that saw the task end): a
 * replay answers what the first request answered.
 */
export class IdempotencyResponseHeaders1796300000000 implements MigrationInterface {
  name = 'IdempotencyResponseHeaders1796300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."idempotency_keys" ADD COLUMN "response_headers" jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."idempotency_keys" DROP COLUMN "response_headers"`);
  }
}
