import { databaseEnv, natsEnv, port, serviceEnv } from '@mediaflow/config';
import { z } from 'zod';

/** The gateway's environment, parsed once at start. */
export const gatewayConfigSchema = z.object({
  ...serviceEnv,
  ...natsEnv,
  ...databaseEnv,
  PORT: port(3000),
  /**
   * The admin key of the default project (API.md, Projects and keys). Made
   * active and admin at every start, so it is how an operator gets in.
   */
  MEDIAFLOW_API_KEY: z
    .string()
    .regex(/^[A-Za-z0-9_-]{16,}$/, 'must be at least 16 characters of A-Z, a-z, 0-9, _ or -')
    .optional(),
});
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Injection token of the parsed {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
