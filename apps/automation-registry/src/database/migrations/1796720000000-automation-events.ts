import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The outbox of automation events. A trigger writes each change of
 * `registry.automations` (insert, update, delete) as a row here, in the
 * transaction of the change, whatever statement made it: the event exists
 * exactly when the change does. The registry relays the rows to the
 * scheduler's event log over the bus and deletes them once it has answered;
 * the event id is drawn here, so a row relayed twice (a reply lost, the
 * process killed before the delete) is kept once there.
 */
export class AutomationEvents1796720000000 implements MigrationInterface {
  name = 'AutomationEvents1796720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "registry"."automation_events" (
        "seq" bigserial PRIMARY KEY,
        "event_id" text NOT NULL DEFAULT ('evt_' || substr(md5(gen_random_uuid()::text), 1, 16)),
        "project_id" text NOT NULL,
        "type" text NOT NULL,
        "automation" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION "registry"."keep_automation_event"() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          INSERT INTO "registry"."automation_events" ("project_id", "type", "automation")
          VALUES (OLD."project_id", 'automation.deleted', to_jsonb(OLD));
          RETURN OLD;
        END IF;
        INSERT INTO "registry"."automation_events" ("project_id", "type", "automation")
        VALUES (
          NEW."project_id",
          CASE TG_OP WHEN 'INSERT' THEN 'automation.created' ELSE 'automation.updated' END,
          to_jsonb(NEW)
        );
        RETURN NEW;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER "automations_keep_events"
      AFTER INSERT OR UPDATE OR DELETE ON "registry"."automations"
      FOR EACH ROW EXECUTE FUNCTION "registry"."keep_automation_event"()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER "automations_keep_events" ON "registry"."automations"');
    await queryRunner.query('DROP FUNCTION "registry"."keep_automation_event"()');
    await queryRunner.query('DROP TABLE "registry"."automation_events"');
  }
}
