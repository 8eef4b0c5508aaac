import { GatewaySchema1795000000000 } from './1795000000000-gateway-schema';
import { SigningAndWebhookSecrets1796000000000 } from './1796000000000-signing-and-webhook-secrets';
import { IdempotencyKeys1796000000001 } from './1796000000001-idempotency-keys';
import { IdempotencyResponseHeaders1796300000000 } from './1796300000000-idempotency-response-headers';
import { IdempotencyClaims1796500000000 } from './1796500000000-idempotency-claims';
import { RateLimits1796600000000 } from './1796600000000-rate-limits';

/** Every migration of the `gateway` schema, oldest first. */
export const gatewayMigrations = [
  GatewaySchema1795000000000,
  SigningAndWebhookSecrets1796000000000,
  IdempotencyKeys1796000000001,
  IdempotencyResponseHeaders1796300000000,
  IdempotencyClaims1796500000000,
  RateLimits1796600000000,
];
