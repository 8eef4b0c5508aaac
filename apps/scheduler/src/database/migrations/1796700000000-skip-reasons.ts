import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a step was skipped (`{ code, message }`, contracts SKIP_REASONS):
 * written by the run engine with the status, null for every other status.
 */
export class SkipReasons1796700000000 implements MigrationInterface {
  name = 'SkipReasons1796700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scheduler"."tasks" ADD COLUMN "skip_reason" jsonb NULL');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE "scheduler"."tasks" DROP COLUMN "skip_reason"');
  }
}
