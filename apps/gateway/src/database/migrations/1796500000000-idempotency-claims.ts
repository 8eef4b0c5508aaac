import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each reservation of a key gets a claim id, which a route that creates
 * through the scheduler passes along: the run is made with the claim in the
 * scheduler's own transaction, so a retry of a request cut short (a crash,
 * a timeout) resumes the claim and finds that run.
 */
export class IdempotencyClaims1796500000000 implements MigrationInterface {
  name = 'IdempotencyClaims1796500000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."idempotency_keys" ADD COLUMN "claim_id" text NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."idempotency_keys" DROP COLUMN "claim_id"`);
  }
}
