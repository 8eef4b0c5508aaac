import 'reflect-metadata';
import type { MessageBus, TaskTransport } from '@mediaflow/messaging';
import { ObservabilityModule } from '@mediaflow/observability';
import {
  ServiceBusModule,
  ServiceTransportModule,
  busAndDatabaseReadiness,
  serviceDatabaseModule,
} from '@mediaflow/service-kit';
import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AuthModule } from './auth/auth.module';
import { AutomationsModule } from './automations/automations.module';
import { GATEWAY_CONFIG, type GatewayConfig } from './config';
import { gatewayDatabase } from './database/gateway-database';
import { FilesModule } from './files/files.module';
import { EventsModule } from './events/events.module';
import { ErrorEnvelopeFilter } from './http/error-envelope.filter';
import { OpenApiModule } from './openapi/openapi.module';
import { ProjectsModule } from './projects/projects.module';
import { AuthFailureGuard } from './rate-limits/auth-failure.guard';
import { RateLimitsModule } from './rate-limits/rate-limits.module';
import { TasksModule } from './tasks/tasks.module';
import { WebhookEndpointsModule } from './webhook-endpoints/webhook-endpoints.module';

export const GATEWAY_SERVICE = 'gateway';
export { GATEWAY_SCHEMA } from './database/gateway-database';

export interface GatewayModuleOptions {
  config: GatewayConfig;
  bus: MessageBus;
  /** Where the scheduler's change notifications are followed (`GET /tasks/:id/events`, `Prefer: wait`). */
  transport: TaskTransport;
  /** Drain the bus when the app shuts down: true when the gateway connected it itself. */
  closeBusOnShutdown?: boolean;
  /** Close the transport when the app shuts down: true when the gateway connected it itself. */
  closeTransportOnShutdown?: boolean;
}

/**
 * The gateway's root module. Global, so that the bus and the config it
 * provides reach every feature module (and the observability module's
 * readiness checks).
 */
@Module({})
export class GatewayModule {
  static forRoot({
    config,
    bus,
    transport,
    closeBusOnShutdown = false,
    closeTransportOnShutdown = false,
  }: GatewayModuleOptions): DynamicModule {
    return {
      module: GatewayModule,
      global: true,
      imports: [
        ServiceBusModule.forRoot(bus, { closeOnShutdown: closeBusOnShutdown }),
        ServiceTransportModule.forRoot(transport, { closeOnShutdown: closeTransportOnShutdown }),
        serviceDatabaseModule({
          ...gatewayDatabase,
          url: config.DATABASE_URL,
          poolSize: config.DATABASE_POOL_SIZE,
          migrateOnStart: config.MEDIAFLOW_MIGRATE_ON_START,
        }),
        ObservabilityModule.forRoot({
          service: GATEWAY_SERVICE,
          logLevel: config.LOG_LEVEL,
          readiness: busAndDatabaseReadiness,
        }),
        AuthModule,
        ProjectsModule,
        ApiKeysModule,
        AutomationsModule,
        TasksModule,
        EventsModule,
        FilesModule,
        WebhookEndpointsModule,
        OpenApiModule,
        RateLimitsModule,
      ],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        // Global guards run in the order provided: an address refused for its failed
        // authentications is answered 429 before its key is looked at.
        { provide: APP_GUARD, useClass: AuthFailureGuard },
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ErrorEnvelopeFilter },
      ],
      exports: [GATEWAY_CONFIG],
    };
  }
}
