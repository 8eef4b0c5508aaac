import {
  checkNatsEnv,
  databaseEnv,
  migrateOnStartEnv,
  natsEnv,
  port,
  serviceEnv,
} from '@mediaflow/config';
import { z } from 'zod';

/** The registry's environment. HTTP serves only /health, /ready and /metrics. */
export const registryConfigSchema = z
  .object({
    ...serviceEnv,
    ...natsEnv,
    ...databaseEnv,
    ...migrateOnStartEnv,
    PORT: port(3001),
  })
  .superRefine(checkNatsEnv);
export type RegistryConfig = z.output<typeof registryConfigSchema>;
