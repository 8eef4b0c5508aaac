import { migrateConfigSchema, parseConfig, type MigrateConfig } from '@mediaflow/config';
import { databaseName, migrateServiceDatabase, type ServiceSchema } from '@mediaflow/database';

/** How a service's migrations are applied on their own, from its folder (or image): the migrations Job. */
export const MIGRATE_COMMAND = 'node dist/migrate.js';

type Env = Record<string, string | undefined>;

export interface MigrationsCommandOptions extends ServiceSchema {
  /** The service's name, on every line it prints. */
  service: string;
  /** The environment to read; by default the process's. */
  env?: Env;
  /** Where the JSON log lines go; by default stdout. */
  stdout?: (line: string) => void;
  /** Where the one line saying why it failed goes; by default stderr. */
  stderr?: (line: string) => void;
}

/** pino's numbers, so that the lines read like the service's own logs. */
const LEVEL_VALUES: Record<MigrateConfig['LOG_LEVEL'], number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};
const INFO = LEVEL_VALUES.info;

/**
 * `node dist/migrate.js` of a service: reads DATABASE_URL and LOG_LEVEL only,
 * creates the database if needed, applies the schema's pending migrations
 * under the advisory lock a starting service takes, and logs one JSON line
 * per migration applied (or one saying none was pending). Returns the exit
 * status: 0, or 1 after one line on stderr saying why.
 */
export async function migrationsCommand(options: MigrationsCommandOptions): Promise<0 | 1> {
  const { service, schema } = options;
  const stdout = options.stdout ?? ((line: string) => void process.stdout.write(line));
  const stderr = options.stderr ?? ((line: string) => void process.stderr.write(line));
  try {
    const config = parseConfig(migrateConfigSchema, options.env ?? process.env);
    const applied = await migrateServiceDatabase({
      url: config.DATABASE_URL,
      schema,
      entities: options.entities,
      migrations: options.migrations,
    });
    const log = (msg: string, fields: Record<string, string> = {}) => {
      if (LEVEL_VALUES[config.LOG_LEVEL] > INFO) return;
      const database = databaseName(config.DATABASE_URL);
      stdout(
        `${JSON.stringify({ level: INFO, time: Date.now(), service, msg, database, schema, ...fields })}\n`,
      );
    };
    if (applied.length === 0) log('no pending migrations');
    for (const migration of applied) log('migration applied', { migration });
    return 0;
  } catch (error) {
    // A setting, an unreachable server or a failing migration: one line, not a stack.
    stderr(`${service}: cannot migrate: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  }
}

/** For a service's `migrate.ts`: runs {@link migrationsCommand}, then exits with its status. */
export function runMigrationsCommand(options: MigrationsCommandOptions): void {
  void migrationsCommand(options).then((status) => process.exit(status));
}
