import {
  startService,
  type RunningService,
  type StartServiceOptions,
} from '@mediaflow/service-kit';
import type { RegistryConfig } from './config';
import { REGISTRY_SERVICE, RegistryModule } from './registry.module';

export type StartRegistryOptions = Pick<StartServiceOptions, 'bus' | 'shutdownHooks'>;
export type RunningRegistry = RunningService;

/**
 * Starts the registry: request/reply handlers on the bus (queue group
 * `automation-registry`) and HTTP for /health, /ready and /metrics.
 */
export function startRegistry(
  config: RegistryConfig,
  options: StartRegistryOptions = {},
): Promise<RunningRegistry> {
  return startService({
    ...options,
    service: REGISTRY_SERVICE,
    config,
    module: (bus, ownsBus) => RegistryModule.forRoot({ config, bus, closeBusOnShutdown: ownsBus }),
    rpcQueue: REGISTRY_SERVICE,
  });
}
