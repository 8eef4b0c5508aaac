import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook delivery is claimed by the sender about to POST it, so that the
 * immediate path, the reconciler and other replicas never send it twice at
 * once. A claim left by a sender that died runs out by itself.
 */
export class WebhookClaims1796200000000 implements MigrationInterface {
  name = 'WebhookClaims1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_deliveries" ADD COLUMN "claimed_until" timestamptz NULL',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."webhook_deliveries" DROP COLUMN "claimed_until"',
    );
  }
}
