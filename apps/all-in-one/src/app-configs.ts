import { registryConfigSchema, type RegistryConfig } from '@mediaflow/automation-registry';
import { ConfigError, parseConfig } from '@mediaflow/config';
import { gatewayConfigSchema, type GatewayConfig } from '@mediaflow/gateway';
import { schedulerConfigSchema, type SchedulerConfig } from '@mediaflow/scheduler';
import { imageWorkerConfigSchema, type ImageWorkerConfig } from '@mediaflow/worker-image';
import {
  subtitlesWorkerConfigSchema,
  type SubtitlesWorkerConfig,
} from '@mediaflow/worker-subtitles';
import { summaryWorkerConfigSchema, type SummaryWorkerConfig } from '@mediaflow/worker-summary';
import { videoWorkerConfigSchema, type VideoWorkerConfig } from '@mediaflow/worker-video';
import type { z } from 'zod';

type Env = Record<string, string | undefined>;

/** Every app's configuration, read from the one environment of the all-in-one process. */
export interface AllInOneConfigs {
  registry: RegistryConfig;
  scheduler: SchedulerConfig;
  video: VideoWorkerConfig;
  image: ImageWorkerConfig;
  subtitles: SubtitlesWorkerConfig;
  summary: SummaryWorkerConfig;
  gateway: GatewayConfig;
}

/**
 * Seven services in one terminal: their request logs would bury the lines a
 * newcomer needs, so the all-in-one logs warnings and errors unless
 * LOG_LEVEL says otherwise.
 */
export const ALL_IN_ONE_LOG_LEVEL = 'warn';

/**
 * Parses each app's own schema from one environment, so every variable means
 * what it means in the services mode. `PORT` and `HOST` are the gateway's:
 * the other apps' /health, /ready and /metrics listen on a free loopback
 * port, since nothing outside the process needs them. Every bad variable of
 * every app is reported at once, each named once.
 */
export function allInOneConfigs(env: Env): AllInOneConfigs {
  // One process has no migrations Job to wait for: it always migrates at start.
  const withDefaults: Env = {
    LOG_LEVEL: ALL_IN_ONE_LOG_LEVEL,
    ...env,
    MEDIAFLOW_MIGRATE_ON_START: 'true',
  };
  const problems = new Set<string>();
  const parse = <S extends z.ZodType>(schema: S): z.output<S> => {
    try {
      return parseConfig(schema, withDefaults);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const problem of error.message.replace(/^Invalid configuration: /, '').split('; '))
        problems.add(problem);
      return undefined as z.output<S>;
    }
  };
  const internal = <C extends { PORT: number; HOST: string }>(config: C): C =>
    config && { ...config, PORT: 0, HOST: '127.0.0.1' };

  const configs: AllInOneConfigs = {
    registry: internal(parse(registryConfigSchema)),
    scheduler: internal(parse(schedulerConfigSchema)),
    video: internal(parse(videoWorkerConfigSchema)),
    image: internal(parse(imageWorkerConfigSchema)),
    subtitles: internal(parse(subtitlesWorkerConfigSchema)),
    summary: internal(parse(summaryWorkerConfigSchema)),
    gateway: parse(gatewayConfigSchema),
  };
  if (problems.size > 0)
    throw new ConfigError(`Invalid configuration: ${[...problems].join('; ')}`);
  return configs;
}
