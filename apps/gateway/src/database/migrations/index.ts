import { GatewaySchema1795000000000 } from './1795000000000-gateway-schema';

/** Every migration of the `gateway` schema, oldest first. */
export const gatewayMigrations = [GatewaySchema1795000000000];
