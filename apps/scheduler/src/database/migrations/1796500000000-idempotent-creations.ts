import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A run, task or ingest created for a request with `Idempotency-Key` keeps
 * the gateway's claim of that key, written in the transaction that creates
 * it: a retry after a crash (of the gateway, or between the commit and the
 * answer) finds the run it made instead of making a second one.
 */
export class IdempotentCreations1796500000000 implements MigrationInterface {
  name = 'IdempotentCreations1796500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."tasks" ADD COLUMN "idempotency_key" text NULL',
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "tasks_project_idempotency_key" ON "scheduler"."tasks" ("project_id", "idempotency_key")
        WHERE "idempotency_key" IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "scheduler"."tasks_project_idempotency_key"');
    await queryRunner.query('ALTER TABLE "scheduler"."tasks" DROP COLUMN "idempotency_key"');
  }
}
