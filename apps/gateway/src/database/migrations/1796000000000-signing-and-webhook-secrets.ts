import { randomBytes } from 'node:crypto';
import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settings every replica shares (the generated URL-signing secret) and each
 * project's webhook secret (docs/http-api.md, Webhooks), made here for the projects
 * that existed before.
 */
export class SigningAndWebhookSecrets1796000000000 implements MigrationInterface {
  name = 'SigningAndWebhookSecrets1796000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "gateway"."settings" (
        "name" text PRIMARY KEY,
        "value" text NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE "gateway"."projects" ADD COLUMN "webhook_secret" text`);
    const projects: { id: string }[] = await q.query(`SELECT "id" FROM "gateway"."projects"`);
    for (const { id } of projects) {
      // Frozen here rather than imported: a migration must not change when the app's code does.
      const secret = `whsec_${randomBytes(32).toString('hex')}`;
      await q.query(`UPDATE "gateway"."projects" SET "webhook_secret" = $1 WHERE "id" = $2`, [
        secret,
        id,
      ]);
    }
    await q.query(`ALTER TABLE "gateway"."projects" ALTER COLUMN "webhook_secret" SET NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "gateway"."projects" DROP COLUMN "webhook_secret"`);
    await q.query(`DROP TABLE "gateway"."settings"`);
  }
}
