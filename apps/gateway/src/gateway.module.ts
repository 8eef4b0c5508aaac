import 'reflect-metadata';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import {
  ObservabilityModule,
  READINESS_CHECKS,
  type ReadinessCheck,
} from '@mediaflow/observability';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
  type Provider,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthModule } from './auth/auth.module';
import { AutomationsModule } from './automations/automations.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { gatewayDatabase } from './database/gateway-database';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { OpenApiModule } from './openapi/openapi.module';
import { ProjectsModule } from './projects/projects.module';

export const GATEWAY_SERVICE = 'gateway';

export interface GatewayModuleOptions {
  config: GatewayConfig;
  bus: MessageBus;
  /** Drain the bus when the app shuts down: true when the gateway connected it itself. */
  closeBusOnShutdown?: boolean;
}

/** Closes a bus the gateway owns, once HTTP has stopped. */
class BusShutdown implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** `/ready`: NATS answers a round trip and PostgreSQL a `SELECT 1`. */
const readiness: Provider = {
  provide: READINESS_CHECKS,
  inject: [MESSAGE_BUS, DataSource],
  useFactory: (bus: MessageBus, dataSource: DataSource): ReadinessCheck[] => [
    { name: 'nats', check: () => bus.ping() },
    { name: 'database', check: async () => void (await dataSource.query('SELECT 1')) },
  ],
};

/**
 * The gateway's root module. Global, so that the bus and the config it
 * provides reach every feature module (and the observability module's
 * readiness checks).
 */
@Module({})
export class GatewayModule {
  static forRoot({ config, bus, closeBusOnShutdown = false }: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      imports: [
        gatewayDatabase(config.DATABASE_URL),
        ObservabilityModule.forRoot({
          service: GATEWAY_SERVICE,
          logLevel: config.LOG_LEVEL,
          readiness,
        }),
        AuthModule,
        ProjectsModule,
        ApiKeysModule,
        AutomationsModule,
        OpenApiModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: MESSAGE_BUS, useValue: bus },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
        ...(closeBusOnShutdown ? [BusShutdown] : []),
      ],
      exports: [GATEWAY_CONFIG, MESSAGE_BUS],
    };
  }
}
