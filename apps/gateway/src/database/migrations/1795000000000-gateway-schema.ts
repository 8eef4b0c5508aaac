import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Projects and their API keys (docs/http-api.md, Projects and keys). */
export class GatewaySchema1795000000000 implements MigrationInterface {
  name = 'GatewaySchema1795000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE "gateway"."projects" (
        "id" text PRIMARY KEY,
        "name" text NOT NULL,
        "is_default" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    // At most one default project: gateways starting together insert it with
    // ON CONFLICT DO NOTHING against this index.
    await q.query(
      `CREATE UNIQUE INDEX "projects_one_default" ON "gateway"."projects" ("is_default") WHERE "is_default"`,
    );
    await q.query(`
      CREATE TABLE "gateway"."api_keys" (
        "id" text PRIMARY KEY,
        "project_id" text NOT NULL REFERENCES "gateway"."projects" ("id") ON DELETE CASCADE,
        "name" text,
        "secret_hash" text NOT NULL,
        "secret_hint" text NOT NULL,
        "admin" boolean NOT NULL DEFAULT false,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "last_used_at" timestamptz,
        "revoked_at" timestamptz
      )`);
    // Every authenticated request looks its key up by this.
    await q.query(
      `CREATE UNIQUE INDEX "api_keys_secret_hash" ON "gateway"."api_keys" ("secret_hash")`,
    );
    await q.query(
      `CREATE INDEX "api_keys_project_active" ON "gateway"."api_keys" ("project_id", "created_at" DESC) WHERE "revoked_at" IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "gateway"."api_keys"`);
    await q.query(`DROP TABLE "gateway"."projects"`);
  }
}
