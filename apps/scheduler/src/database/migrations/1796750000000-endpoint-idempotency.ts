import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook endpoint created for a request with `Idempotency-Key` keeps the
 * gateway's claim of that key, written by the INSERT that creates it: a
 * retry after a crash (of the gateway, or between the commit and the
 * answer) finds the endpoint, and its secret, instead of making a second
 * one. Unique per project, as `tasks.idempotency_key` (1796500000000).
 */
export class EndpointIdempotency1796750000000 implements MigrationInterface {
  name = 'EndpointIdempotency1796750000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_endpoints" ADD COLUMN "idempotency_key" text NULL',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "webhook_endpoints_project_idempotency_key"
         ON "scheduler"."webhook_endpoints" ("project_id", "idempotency_key")
         WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "scheduler"."webhook_endpoints_project_idempotency_key"');
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_endpoints" DROP COLUMN "idempotency_key"',
    );
  }
}
