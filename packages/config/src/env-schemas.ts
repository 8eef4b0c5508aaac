import { parseAllowList } from '@mediaflow/net-guard';
import { z } from 'zod';
import { ConfigError } from './config-error';

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

const NATS_PROTOCOLS = ['nats:', 'tls:', 'ws:', 'wss:'];
const natsUrl = url(NATS_PROTOCOLS);

/** One NATS URL, or several separated by commas: the servers of a cluster, tried in turn. */
const natsServers = z
  .string()
  .refine(
    (value) => value.split(',').every((server) => natsUrl.safeParse(server.trim()).success),
    'must be a nats:// or tls:// URL, or several separated by commas',
  );

const trueOrFalse = z
  .enum(['true', 'false'], { error: 'must be true or false' })
  .transform((value) => value === 'true');

export const natsEnv = {
  NATS_URL: natsServers.default(DEFAULT_NATS_URL),
  /**
   * Credentials of this app's NATS user (a Secret in Kubernetes). With
   * NATS_AUTH_REQUIRED on, an app without them refuses to start
   * ({@link checkNatsEnv}) rather than retry a server that will refuse it.
   */
  NATS_USER: z.string().min(1).optional(),
  NATS_PASSWORD: z.string().min(1).optional(),
  /** Off when unset. */
  NATS_AUTH_REQUIRED: trueOrFalse.optional(),
  /**
   * Copies JetStream keeps of the work and event streams: 3 on a three-node
   * cluster (a node can go without losing a queued task), 1 on one server.
   * A changed value updates the existing streams when the scheduler starts.
   * 1 when unset. (Optional in the parsed config, like NATS_AUTH_REQUIRED,
   * so that configs built in code need not name them.)
   */
  MEDIAFLOW_STREAM_REPLICAS: z.coerce.number().int().min(1).max(5).optional(),
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
  /**
   * Connections one process's pool opens at most. Replicas × this must fit
   * the database's (or its pooler's) client limit at the autoscaling maxima.
   */
  DATABASE_POOL_SIZE: z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be ≥ 1')
    .max(200, 'must be ≤ 200')
    .default(10),
};

/**
 * Whether a service that owns a PostgreSQL schema (gateway, registry,
 * scheduler) applies its migrations at start, under the advisory lock. Off
 * where a migrations Job applies them first (`node dist/migrate.js`, the Helm
 * chart's pre-install/pre-upgrade hook), so that a start never spends the
 * startup probe's budget on them: the service then only checks that none is
 * pending, and refuses to start naming them if one is.
 */
export const migrateOnStartEnv = {
  MEDIAFLOW_MIGRATE_ON_START: trueOrFalse.default(true),
};

/**
 * What a service's `node dist/migrate.js` reads: the database and how much to
 * log, nothing else, so that a migrations Job needs no NATS credentials or
 * API keys.
 */
export const migrateConfigSchema = z.object({
  LOG_LEVEL: serviceEnv.LOG_LEVEL,
  DATABASE_URL: databaseEnv.DATABASE_URL,
});
export type MigrateConfig = z.output<typeof migrateConfigSchema>;

export type ServiceEnv = z.output<z.ZodObject<typeof serviceEnv>>;
export type NatsEnv = z.output<z.ZodObject<typeof natsEnv>>;

/** The checks across {@link natsEnv}'s variables, for `.superRefine`. */
export function checkNatsEnv(
  config: Pick<NatsEnv, 'NATS_USER' | 'NATS_PASSWORD' | 'NATS_AUTH_REQUIRED'>,
  ctx: z.RefinementCtx,
): void {
  if ((config.NATS_USER === undefined) !== (config.NATS_PASSWORD === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [config.NATS_USER === undefined ? 'NATS_USER' : 'NATS_PASSWORD'],
      message: 'NATS_USER and NATS_PASSWORD go together: set both or neither',
    });
  }
  if (config.NATS_AUTH_REQUIRED === true && config.NATS_USER === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: ['NATS_USER'],
      message: 'NATS_AUTH_REQUIRED is on: set NATS_USER and NATS_PASSWORD',
    });
  }
}

/** How an app connects to NATS, from {@link natsEnv}: the servers, and its credentials if it has any. */
export function natsCredentials(config: NatsEnv): {
  url: string;
  user?: string;
  password?: string;
} {
  return {
    url: config.NATS_URL,
    ...(config.NATS_USER !== undefined
      ? { user: config.NATS_USER, password: config.NATS_PASSWORD }
      : {}),
  };
}

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

export const STORAGE_DRIVERS = ['local', 's3'] as const;

/**
 * Where files' bytes live (packages/storage/README.md): the local directory
 * `MEDIAFLOW_DATA_DIR/files`, or an S3 bucket (AWS, MinIO, R2). Every
 * service reads the same settings; spread into a schema, then check it with
 * {@link checkStorageEnv}, and build the driver from {@link storageSettings}.
 * Every variable is optional in the parsed config and its default is applied
 * by storageSettings(), so configs built in code need not name them.
 */
export const storageEnv = {
  /** `local` when unset. */
  MEDIAFLOW_STORAGE: z
    .enum(STORAGE_DRIVERS, { error: `must be one of ${STORAGE_DRIVERS.join(', ')}` })
    .optional(),
  /** Required with `s3` (checkStorageEnv). */
  MEDIAFLOW_S3_BUCKET: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
      'must be a bucket name: 3 to 63 lowercase letters, digits, dots or hyphens',
    )
    .optional(),
  /** `us-east-1` when unset; MinIO takes any, R2 wants `auto`. */
  MEDIAFLOW_S3_REGION: z.string().trim().min(1, 'must name a region').optional(),
  /** An S3-compatible service instead of AWS: `http://127.0.0.1:9000`, `https://<account>.r2.cloudflarestorage.com`. */
  MEDIAFLOW_S3_ENDPOINT: providerBaseUrl('MEDIAFLOW_S3_ACCESS_KEY_ID'),
  /** `bucket` in the path, not the host name; true by default when an endpoint is set (MinIO needs it). */
  MEDIAFLOW_S3_FORCE_PATH_STYLE: trueOrFalse.optional(),
  /** Both or neither; without them the AWS SDK's default chain (env, profile, instance or task role). */
  MEDIAFLOW_S3_ACCESS_KEY_ID: z.string().optional(),
  MEDIAFLOW_S3_SECRET_ACCESS_KEY: z.string().optional(),
  /** Keys are stored under it, so installations can share a bucket: `mediaflow/`. */
  MEDIAFLOW_S3_PREFIX: z
    .string()
    .regex(
      /^\/?(?:[A-Za-z0-9_-][A-Za-z0-9._-]*\/)*[A-Za-z0-9_-][A-Za-z0-9._-]*\/?$/,
      'must be a relative path such as mediaflow/ (letters, digits, . _ - and /, no segment starting with a dot)',
    )
    .optional(),
};

export type StorageEnv = z.output<z.ZodObject<typeof storageEnv>>;

/** The checks across {@link storageEnv}'s variables, for `.superRefine`. */
export function checkStorageEnv(
  config: Pick<
    StorageEnv,
    | 'MEDIAFLOW_STORAGE'
    | 'MEDIAFLOW_S3_BUCKET'
    | 'MEDIAFLOW_S3_ACCESS_KEY_ID'
    | 'MEDIAFLOW_S3_SECRET_ACCESS_KEY'
  >,
  ctx: z.RefinementCtx,
): void {
  if (config.MEDIAFLOW_STORAGE === 's3' && !config.MEDIAFLOW_S3_BUCKET) {
    ctx.addIssue({
      code: 'custom',
      path: ['MEDIAFLOW_S3_BUCKET'],
      message: 'must be set when MEDIAFLOW_STORAGE is s3',
    });
  }
  const id = config.MEDIAFLOW_S3_ACCESS_KEY_ID !== undefined;
  const secret = config.MEDIAFLOW_S3_SECRET_ACCESS_KEY !== undefined;
  if (id !== secret) {
    ctx.addIssue({
      code: 'custom',
      path: [id ? 'MEDIAFLOW_S3_SECRET_ACCESS_KEY' : 'MEDIAFLOW_S3_ACCESS_KEY_ID'],
      message: `must be set with ${id ? 'MEDIAFLOW_S3_ACCESS_KEY_ID' : 'MEDIAFLOW_S3_SECRET_ACCESS_KEY'}`,
    });
  }
}

/** {@link storageEnv} on its own, checked. */
export const storageConfigSchema = z.object(storageEnv).superRefine(checkStorageEnv);

/**
 * The storage the environment names, as `createStorage()` of
 * @mediaflow/storage takes it (kept a plain object, so neither package
 * depends on the other).
 */
export type StorageSettingsFromEnv =
  | { driver: 'local' }
  | {
      driver: 's3';
      s3: {
        bucket: string;
        region: string;
        endpoint?: string;
        forcePathStyle: boolean;
        credentials?: { accessKeyId: string; secretAccessKey: string };
        prefix?: string;
      };
    };

export function storageSettings(config: StorageEnv): StorageSettingsFromEnv {
  if ((config.MEDIAFLOW_STORAGE ?? 'local') === 'local') return { driver: 'local' };
  if (!config.MEDIAFLOW_S3_BUCKET) {
    throw new ConfigError(
      'Invalid configuration: MEDIAFLOW_S3_BUCKET must be set when MEDIAFLOW_STORAGE is s3',
    );
  }
  const endpoint = config.MEDIAFLOW_S3_ENDPOINT;
  const accessKeyId = config.MEDIAFLOW_S3_ACCESS_KEY_ID;
  const secretAccessKey = config.MEDIAFLOW_S3_SECRET_ACCESS_KEY;
  return {
    driver: 's3',
    s3: {
      bucket: config.MEDIAFLOW_S3_BUCKET,
      region: config.MEDIAFLOW_S3_REGION ?? 'us-east-1',
      ...(endpoint !== undefined ? { endpoint } : {}),
      forcePathStyle: config.MEDIAFLOW_S3_FORCE_PATH_STYLE ?? endpoint !== undefined,
      ...(accessKeyId !== undefined && secretAccessKey !== undefined
        ? { credentials: { accessKeyId, secretAccessKey } }
        : {}),
      ...(config.MEDIAFLOW_S3_PREFIX !== undefined ? { prefix: config.MEDIAFLOW_S3_PREFIX } : {}),
    },
  };
}
