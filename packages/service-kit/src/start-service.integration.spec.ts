import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { MediaflowError, defineRpc } from '@mediaflow/contracts';
import { databaseName, migrateServiceDatabase, withDatabase } from '@mediaflow/database';
import { createTestDatabase, type TestDatabase } from '@mediaflow/database/testing';
import { NatsMessageBus, RpcErrorPassthroughFilter, type MessageBus } from '@mediaflow/messaging';
import { ObservabilityModule } from '@mediaflow/observability';
import { Controller, Module, UseFilters, type DynamicModule } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { Client } from 'pg';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { z } from 'zod';
import { ServiceBusModule } from './service-bus';
import { serviceDatabaseModule } from './service-database';
import { busAndDatabaseReadiness } from './service-readiness';
import { startService, type RunningService } from './start-service';

// A real service on the real NATS and PostgreSQL, as every app starts.
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

const double = defineRpc({
  subject: 'kit.double',
  version: 1,
  request: z.object({ n: z.number() }),
  response: z.object({ n: z.number() }),
});

@Controller()
@UseFilters(new RpcErrorPassthroughFilter())
class DoubleHandler {
  @MessagePattern(double.subject)
  async double({ n }: { n: number }) {
    if (n < 0) throw new MediaflowError('validation_failed', 'n must not be negative');
    return { n: n * 2 };
  }
}

class CreateWidgets1700000000000 implements MigrationInterface {
  async up(q: QueryRunner): Promise<void> {
    await q.query('CREATE TABLE "kit"."widgets" (id text PRIMARY KEY)');
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE "kit"."widgets"');
  }
}

@Module({})
class KitModule {
  static forRoot(
    bus: MessageBus,
    ownsBus: boolean,
    databaseUrl: string,
    migrateOnStart?: boolean,
  ): DynamicModule {
    return {
      module: KitModule,
      imports: [
        ServiceBusModule.forRoot(bus, { closeOnShutdown: ownsBus }),
        serviceDatabaseModule({
          url: databaseUrl,
          schema: 'kit',
          entities: [],
          migrations: [CreateWidgets1700000000000],
          migrateOnStart,
        }),
        ObservabilityModule.forRoot({
          service: 'kit',
          logLevel: 'silent',
          readiness: busAndDatabaseReadiness,
        }),
      ],
      controllers: [DoubleHandler],
    };
  }
}

describe('startService', () => {
  let db: TestDatabase;
  let prefix: string;
  const config = () => ({
    LOG_LEVEL: 'silent' as const,
    HOST: '127.0.0.1',
    PORT: 0,
    NATS_URL,
    NATS_SUBJECT_PREFIX: prefix,
    NATS_REQUEST_TIMEOUT_MS: 2000,
  });

  beforeEach(async () => {
    db = await createTestDatabase();
    prefix = `kit${randomUUID().slice(0, 8)}`;
  });
  afterEach(async () => {
    await db.drop();
  });

  it('migrates, serves RPC on the bus and the probes over HTTP, and stops cleanly', async () => {
    const service: RunningService = await startService({
      service: 'kit',
      config: config(),
      module: (bus, owns) => KitModule.forRoot(bus, owns, db.url),
      rpcQueue: 'kit',
      rpcDefinitions: [double],
      shutdownHooks: false,
    });
    const caller = await NatsMessageBus.connect({
      url: NATS_URL,
      name: 'caller',
      subjectPrefix: prefix,
    });
    try {
      await expect(caller.request(double, { n: 21 })).resolves.toEqual({ n: 42 });
      await expect(caller.request(double, { n: -1 })).rejects.toMatchObject({
        code: 'validation_failed',
      });

      expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const ready = await fetch(`${service.url}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { nats: 'ok', database: 'ok' },
      });
      expect((await fetch(`${service.url}/health`)).status).toBe(200);

      expect(await (await fetch(`${service.url}/metrics`)).text()).toContain(
        'mediaflow_process_cpu_seconds_total',
      );
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const migrated = await client.query(
        `SELECT to_regclass('kit.widgets') IS NOT NULL AS present`,
      );
      await client.end();
      expect(migrated.rows).toEqual([{ present: true }]);
    } finally {
      await service.close();
    }
    // Stopped: nobody answers any more.
    await expect(caller.request(double, { n: 1 }, { timeoutMs: 500 })).rejects.toMatchObject({
      code: 'service_unavailable',
    });
    await caller.close();
  });

  describe('with migrateOnStart false (MEDIAFLOW_MIGRATE_ON_START=false: a Job migrates)', () => {
    const start = () =>
      startService({
        service: 'kit',
        config: config(),
        module: (bus, owns) => KitModule.forRoot(bus, owns, db.url, false),
        shutdownHooks: false,
      });
    const schemaExists = async () => {
      const client = new Client({ connectionString: db.url });
      await client.connect();
      const { rows } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'kit'`);
      await client.end();
      return rows.length > 0;
    };

    it('refuses to start on an unmigrated schema, naming what is pending and the command, and changes nothing', async () => {
      await expect(start()).rejects.toThrow(
        new Error(
          'the "kit" schema has 1 pending migration: CreateWidgets1700000000000. ' +
            'MEDIAFLOW_MIGRATE_ON_START is false, so the service does not apply migrations: ' +
            'run `node dist/migrate.js` of this service first (the migrations Job)',
        ),
      );
      expect(await schemaExists()).toBe(false);
    });

    it('refuses to start when the database does not exist yet, and does not create it', async () => {
      await db.drop();
      const name = databaseName(db.url);
      await expect(start()).rejects.toThrow(
        `database "${name}" does not exist, so no migration of the "kit" schema is applied. ` +
          'MEDIAFLOW_MIGRATE_ON_START is false, so the service does not apply migrations: ' +
          'run `node dist/migrate.js` of this service first',
      );
      const admin = new Client({ connectionString: withDatabase(db.url, 'postgres') });
      await admin.connect();
      const { rows } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      await admin.end();
      expect(rows).toEqual([]);
    });

    it('starts on a schema the Job has migrated', async () => {
      await migrateServiceDatabase({
        url: db.url,
        schema: 'kit',
        entities: [],
        migrations: [CreateWidgets1700000000000],
      });
      const service = await start();
      try {
        expect((await fetch(`${service.url}/ready`)).status).toBe(200);
      } finally {
        await service.close();
      }
    });
  });

  it('fails with the reason, and leaves nothing running, when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    let bus: MessageBus | undefined;
    try {
      await expect(
        startService({
          service: 'kit',
          config: { ...config(), PORT: port },
          module: (b, owns) => {
            bus = b;
            return KitModule.forRoot(b, owns, db.url);
          },
          rpcQueue: 'kit',
          rpcDefinitions: [double],
          shutdownHooks: false,
        }),
      ).rejects.toThrow(/EADDRINUSE/);
      // The bus it connected was closed on the way out.
      await expect(bus!.ping()).rejects.toBeDefined();
    } finally {
      blocker.close();
    }
  });
});
