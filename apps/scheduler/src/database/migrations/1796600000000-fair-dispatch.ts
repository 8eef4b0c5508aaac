import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Fair dispatch (fairness/): a dispatch held back so that one project's
 * backlog does not fill its kind's queue keeps `held_since` until it is
 * released to the broker. The partial indexes serve what the dispatcher
 * counts on every dispatch: the live tasks of a kind (per project, for the
 * per-project caps and the fair pick), and the held ones.
 */
export class FairDispatch1796600000000 implements MigrationInterface {
  name = 'FairDispatch1796600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."tasks" ADD COLUMN "held_since" timestamptz NULL',
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_kind_live_idx" ON "scheduler"."tasks" ("kind", "project_id")
        WHERE "status" IN ('pending', 'processing')`,
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_kind_held_idx" ON "scheduler"."tasks" ("kind", "held_since", "id")
        WHERE "held_since" IS NOT NULL AND "status" = 'pending'`,
    );
    await queryRunner.query(
      `CREATE INDEX "tasks_project_live_runs_idx" ON "scheduler"."tasks" ("project_id")
        WHERE "id" = "run_id" AND "status" IN ('waiting', 'pending', 'processing')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "scheduler"."tasks_project_live_runs_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_kind_held_idx"');
    await queryRunner.query('DROP INDEX "scheduler"."tasks_kind_live_idx"');
    await queryRunner.query('ALTER TABLE "scheduler"."tasks" DROP COLUMN "held_since"');
  }
}
