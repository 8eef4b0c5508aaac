import type { TaskTransport } from '@mediaflow/messaging';
import {
  connectServiceTransport,
  startService,
  withServiceTransport,
  type RunningService,
  type StartServiceOptions,
} from '@mediaflow/service-kit';
import type { GatewayConfig } from './config';
import { GATEWAY_SERVICE, GatewayModule } from './gateway.module';
import { createGatewayHttpAdapter } from './http/http-adapter';

export interface StartGatewayOptions extends Pick<StartServiceOptions, 'bus' | 'shutdownHooks'> {
  /** A transport to follow change notifications on instead of connecting to NATS_URL; the caller keeps (and closes) it. */
  transport?: TaskTransport;
}
export type RunningGateway = RunningService;

/**
 * Starts the gateway: migrations and the startup keys first, then HTTP on
 * HOST:PORT. Its task transport only follows the scheduler's change
 * notifications (core NATS).
 */
export function startGateway(
  config: GatewayConfig,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  return withServiceTransport(
    options.transport,
    () => connectServiceTransport(config, GATEWAY_SERVICE),
    (transport, ownsTransport) =>
      startService({
        bus: options.bus,
        shutdownHooks: options.shutdownHooks,
        service: GATEWAY_SERVICE,
        config,
        module: (bus, ownsBus) =>
          GatewayModule.forRoot({
            config,
            bus,
            transport,
            closeBusOnShutdown: ownsBus,
            closeTransportOnShutdown: ownsTransport,
          }),
        httpAdapter: () => createGatewayHttpAdapter({ trustProxy: config.MEDIAFLOW_TRUST_PROXY }),
        // Fastify's own JSON parser (with the 256 KB limit) and the adapter's upload streaming only, so other types are a 415.
        appOptions: { bodyParser: false },
      }),
  );
}
