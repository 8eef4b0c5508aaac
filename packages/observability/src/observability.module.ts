import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { logAddressRefusals } from './address-refusal-log';
import { HealthController } from './health.controller';
import { MetricsController, startDefaultMetrics } from './metrics';
import { structuredLogging } from './logger';

export interface ObservabilityOptions {
  service: string;
  logLevel: string;
  /** Provides READINESS_CHECKS: the dependencies `/ready` asks. */
  readiness: Provider;
}

@Module({})
export class ObservabilityModule {
  static forRoot(options: ObservabilityOptions): DynamicModule {
    startDefaultMetrics(options.service);
    logAddressRefusals();
    return {
      module: ObservabilityModule,
      imports: [structuredLogging(options.service, options.logLevel)],
      controllers: [HealthController, MetricsController],
      providers: [options.readiness],
      exports: [options.readiness],
    };
  }
}
