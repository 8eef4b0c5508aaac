import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import { READINESS_CHECKS, type ReadinessCheck } from '@mediaflow/observability';
import type { Provider } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** `/ready` of a service with a bus and a database: NATS answers a round trip and PostgreSQL a `SELECT 1`. */
export const busAndDatabaseReadiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [MESSAGE_BUS, DataSource],
  useFactory: (bus: MessageBus, dataSource: DataSource): ReadinessCheck[] => [
    { name: 'nats', check: () => bus.ping() },
    { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
  ],
};
