import { MAX_REQUESTS_PER_SECOND, MAX_RUNS_IN_FLIGHT } from '@mediaflow/contracts';
import { isIP } from 'node:net';
import {
  checkNatsEnv,
  checkStorageEnv,
  databaseEnv,
  dataDirEnv,
  migrateOnStartEnv,
  natsEnv,
  port,
  serviceEnv,
  storageEnv,
} from '@mediaflow/config';
import { z } from 'zod';
import { ABANDONED_AFTER_MS } from './idempotency/idempotency-rules';
import {
  DEFAULT_AUTH_FAILURE_LIMIT,
  DEFAULT_AUTH_FAILURE_WINDOW_S,
  DEFAULT_RATE_LIMIT_WINDOW_S,
  DEFAULT_RUNS_IN_FLIGHT,
  DEFAULT_REQUESTS_PER_SECOND,
} from './rate-limits/rate-limit-policy';

const GIB = 1024 ** 3;

/** A base URL clients can reach the gateway at; kept without its trailing slash. */
const publicUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && !url.search && !url.hash;
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL without a query or fragment')
  .transform((value) => value.replace(/\/+$/, ''));

/** The gateway's environment, parsed once at start. */
/** MEDIAFLOW_TRUST_PROXY as Fastify's `trustProxy` takes it. */
const trustProxy = z
  .string()
  .trim()
  .min(1)
  .transform((value, ctx): boolean | number | string[] => {
    if (value === 'true') return true;
    if (value === 'false') return false;
    if (/^\d+$/.test(value)) return Number(value);
    const entries = value.split(',').map((entry) => entry.trim());
    for (const entry of entries) {
      const [address, bits, extra] = entry.split('/');
      const family = isIP(address ?? '');
      const maxBits = family === 6 ? 128 : 32;
      const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= maxBits);
      if (family === 0 || !okBits || extra !== undefined) {
        ctx.addIssue({
          code: 'custom',
          message: `must be true, false, a number of hops, or addresses/CIDR ranges separated by commas ("${entry}" is none)`,
        });
        return z.NEVER;
      }
    }
    return entries;
  });

export const gatewayConfigSchema = z
  .object({
    ...serviceEnv,
    ...natsEnv,
    ...databaseEnv,
    ...migrateOnStartEnv,
    PORT: port(3000),
    /**
     * The admin key of the default project (docs/http-api.md, Projects and keys). Made
     * active and admin at every start, so it is how an operator gets in.
     */
    MEDIAFLOW_API_KEY: z
      .string()
      .regex(/^[A-Za-z0-9_-]{16,}$/, 'must be at least 16 characters of A-Z, a-z, 0-9, _ or -')
      .optional(),
    ...dataDirEnv,
    ...storageEnv,
    /**
     * With S3 storage, answer a signed download with a 302 to a presigned URL
     * of the bucket, so the bytes do not pass through the gateway. Off by
     * default: the bucket's endpoint must be reachable by the clients.
     */
    MEDIAFLOW_S3_REDIRECT_DOWNLOADS: z
      .enum(['true', 'false'], { error: 'must be true or false' })
      .default('false')
      .transform((value) => value === 'true'),
    /**
     * HMAC key of signed download URLs. When unset, the first gateway to start
     * makes one and keeps it in `gateway.settings`, so every replica signs alike.
     */
    MEDIAFLOW_SIGNING_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    /** How long a signed download URL works. */
    MEDIAFLOW_SIGNED_URL_TTL_S: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(7 * 86_400, 'must be at most 604800 (7 days)')
      .default(3600),
    /** Base of signed download URLs (behind a proxy); by default each request's own host and protocol. */
    MEDIAFLOW_PUBLIC_URL: publicUrl.optional(),
    /**
     * Which proxies' X-Forwarded-For/-Proto/-Host to believe: unset, none (the
     * client is the socket's peer); `true`, any; a number, that many hops;
     * else addresses or CIDR ranges, comma-separated. Behind an Ingress, name
     * it, or every client has the proxy's address (rate limits by address).
     */
    MEDIAFLOW_TRUST_PROXY: trustProxy.optional(),
    /** The largest upload `POST /files` takes; past it, 413 (JSON bodies stay at 256 KB). */
    MEDIAFLOW_MAX_UPLOAD_BYTES: z.coerce
      .number({ error: 'must be a number of bytes' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(Number.MAX_SAFE_INTEGER, `must be ≤ ${Number.MAX_SAFE_INTEGER}`)
      .default(2 * GIB),
    /**
     * How long `POST /files` waits for its ingest to end before it answers 202
     * with the ingest task instead of 201 with the file; 0 never waits. Kept
     * under the time after which an unanswered Idempotency-Key counts as abandoned.
     */
    MEDIAFLOW_FILE_WAIT_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(0, 'must be ≥ 0')
      .max(ABANDONED_AFTER_MS / 2, `must be ≤ ${ABANDONED_AFTER_MS / 2}`)
      .default(120_000),
    /**
     * How often the gateway reads a task it follows (`GET /tasks/:id/events`,
     * `Prefer: wait`, `POST /files`) besides when the scheduler says it
     * changed: how late a change can be when its notification was lost.
     */
    MEDIAFLOW_TASK_RECHECK_MS: z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int('must be a whole number')
      .min(100, 'must be ≥ 100')
      .max(3_600_000, 'must be ≤ 3600000')
      .default(5_000),
    /**
     * Requests per second a project may make, averaged over
     * MEDIAFLOW_RATE_LIMIT_WINDOW_S (so a burst of rps × window passes), when
     * the project has no limit of its own (`PATCH /projects/:id`).
     */
    MEDIAFLOW_RATE_LIMIT_RPS: z.coerce
      .number({ error: 'must be a number of requests per second' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(MAX_REQUESTS_PER_SECOND, `must be ≤ ${MAX_REQUESTS_PER_SECOND}`)
      .default(DEFAULT_REQUESTS_PER_SECOND),
    /**
     * Runs (with single tasks and file ingests) a project may have in flight
     * when it has no limit of its own: past it, creating one answers 429.
     */
    MEDIAFLOW_RUNS_IN_FLIGHT: z.coerce
      .number({ error: 'must be a number of runs' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(MAX_RUNS_IN_FLIGHT, `must be ≤ ${MAX_RUNS_IN_FLIGHT}`)
      .default(DEFAULT_RUNS_IN_FLIGHT),
    /** The window projects' requests are counted over: the longest burst is rps × this. */
    MEDIAFLOW_RATE_LIMIT_WINDOW_S: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(3_600, 'must be ≤ 3600')
      .default(DEFAULT_RATE_LIMIT_WINDOW_S),
    /** Failed authentications (401 answers) one client address may have per window before its requests get 429. */
    MEDIAFLOW_AUTH_FAILURE_LIMIT: z.coerce
      .number({ error: 'must be a number of failures' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(100_000, 'must be ≤ 100000')
      .default(DEFAULT_AUTH_FAILURE_LIMIT),
    /** The window failed authentications are counted over, and so the longest an address stays refused. */
    MEDIAFLOW_AUTH_FAILURE_WINDOW_S: z.coerce
      .number({ error: 'must be a number of seconds' })
      .int('must be a whole number')
      .min(1, 'must be ≥ 1')
      .max(86_400, 'must be ≤ 86400')
      .default(DEFAULT_AUTH_FAILURE_WINDOW_S),
  })
  .superRefine(checkStorageEnv)
  .superRefine(checkNatsEnv);
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;

/** Injection token of the parsed {@link GatewayConfig}. */
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');
