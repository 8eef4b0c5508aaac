import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A standalone `ingest` (POST /files) stores an upload the gateway staged
 * (`source_key`, deleted once the ingest ends) under the name the client
 * gave it (`source_filename`), as well as a URL.
 */
export class IngestSources1796100000000 implements MigrationInterface {
  name = 'IngestSources1796100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "scheduler"."tasks"
        ADD COLUMN "source_key" text NULL,
        ADD COLUMN "source_filename" text NULL
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      'ALTER TABLE "scheduler"."tasks" DROP COLUMN "source_key", DROP COLUMN "source_filename"',
    );
  }
}
