import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rate limits (rate-limits/): `rate_limits` holds rate-limiter-flexible's
 * counters (its own layout: a key, the points used, when the window ends in
 * epoch ms), shared by every replica; the index on `expire` serves the
 * sweep of ended windows. `projects.limits` holds a project's own limits
 * (`PATCH /projects/:id`); `{}` is the defaults.
 */
export class RateLimits1796600000000 implements MigrationInterface {
  name = 'RateLimits1796600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "gateway"."rate_limits" (
         "key" varchar(255) PRIMARY KEY,
         "points" integer NOT NULL DEFAULT 0,
         "expire" bigint
       )`,
    );
    await q.query(`CREATE INDEX "rate_limits_expire" ON "gateway"."rate_limits" ("expire")`);
    await q.query(
      `ALTER TABLE "gateway"."projects" ADD COLUMN "limits" jsonb NOT NULL DEFAULT '{}'::jsonb`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."projects" DROP COLUMN "limits"`);
    await q.query(`DROP TABLE "gateway"."rate_limits"`);
  }
}
