import {
  startService,
  type RunningService,
  type StartServiceOptions,
} from '@mediaflow/service-kit';
import type { GatewayConfig } from './config';
import { GATEWAY_SERVICE, GatewayModule } from './gateway.module';
import { createGatewayHttpAdapter } from './http/http-adapter';

export type StartGatewayOptions = Pick<StartServiceOptions, 'bus' | 'shutdownHooks'>;
export type RunningGateway = RunningService;

/** Starts the gateway: migrations and the startup keys first, then HTTP on HOST:PORT. */
export function startGateway(
  config: GatewayConfig,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  return startService({
    ...options,
    service: GATEWAY_SERVICE,
    config,
    module: (bus, ownsBus) => GatewayModule.forRoot({ config, bus, closeBusOnShutdown: ownsBus }),
    httpAdapter: createGatewayHttpAdapter,
    // Fastify's own JSON parser (with the 256 KB limit) and the adapter's upload streaming only, so other types are a 415.
    appOptions: { bodyParser: false },
  });
}
