import { parseAllowList } from '@mediaflow/net-guard';
import { z } from 'zod';

const url = (protocols: string[]) =>
  z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    // "an http://", "a nats://": the article goes by how the first scheme is read out.
    `must be ${protocols[0]!.startsWith('h') ? 'an' : 'a'} ${protocols.map((p) => p.replace(':', '://')).join(' or ')} URL`,
  );

/**
 * The base URL of an HTTP API a provider speaks (`https://api.openai.com/v1`):
 * optional, http or https, and never with credentials in it, which would
 * end up in logs and error messages; those go in `keyVariable`.
 */
export const providerBaseUrl = (keyVariable: string) =>
  url(['http:', 'https:'])
    .refine(
      (value) => !/^[a-z]+:\/\/[^/]*@/i.test(value),
      `must not hold credentials: set ${keyVariable}`,
    )
    .optional();

export const port = (fallback: number) =>
  z.coerce
    .number({ error: 'must be a port number' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(65535, 'must be ≤ 65535')
    .default(fallback);

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Shared by every service. */
export const serviceEnv = {
  LOG_LEVEL: z
    .enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` })
    .default('info'),
  HOST: z.string().min(1).default('0.0.0.0'),
};

export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/mediaflow';

export const natsEnv = {
  NATS_URL: url(['nats:', 'tls:', 'ws:', 'wss:']).default(DEFAULT_NATS_URL),
  /**
   * Prefixed to every subject, so that several installations (or test runs)
   * can share one NATS without answering each other's requests.
   */
  NATS_SUBJECT_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'must be letters, digits, _ or -')
    .optional(),
  NATS_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
};

export const databaseEnv = {
  DATABASE_URL: url(['postgres:', 'postgresql:']).default(DEFAULT_DATABASE_URL),
};

export type ServiceEnv = z.output<z.ZodObject<typeof serviceEnv>>;
export type NatsEnv = z.output<z.ZodObject<typeof natsEnv>>;
export type DatabaseEnv = z.output<z.ZodObject<typeof databaseEnv>>;

/** Local state: `pnpm start`'s generated key, and stored files under `files/` (docs/runs.md, Storage). */
export const dataDirEnv = {
  MEDIAFLOW_DATA_DIR: z.string().min(1).default('./.mediaflow'),
};

/**
 * Hosts, IPs or CIDRs that ingest may fetch and webhooks may call although
 * they are not public addresses (comma-separated; parsed to an allow list).
 */
export const allowedHostsEnv = {
  MEDIAFLOW_ALLOWED_HOSTS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parseAllowList(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
};
