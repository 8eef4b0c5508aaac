import { parseConfig } from '@mediaflow/config';
import { pendingMigrations, serviceDataSourceOptions } from '@mediaflow/database';
import { DataSource } from 'typeorm';
import { retentionReportConfigSchema } from '../config';
import { schedulerDatabase } from '../database/scheduler-database';
import { Sql } from '../database/sql';
import { RetentionRepository } from './retention.repository';
import { reportTable } from './retention-report';
import { surveyRetention } from './retention-survey';

export interface RetentionReportCommandOptions {
  /** `--json`: the JSON alone, for scripts. */
  args?: readonly string[];
  /** The environment to read; by default the process's. */
  env?: Record<string, string | undefined>;
  stdout?: (text: string) => void;
  stderr?: (text: string) => void;
  now?: Date;
}

/**
 * `node dist/retention-report.js`: what retention would remove now with
 * this environment's MEDIAFLOW_RETENTION_DAYS, as a table and as JSON.
 * Reads DATABASE_URL and the retention settings only (no NATS, no
 * storage), removes nothing and takes no lock, so it is safe to run beside
 * the scheduler, before turning retention on. Returns the exit status: 0,
 * or 1 after one line on stderr saying why.
 */
export async function retentionReportCommand(
  options: RetentionReportCommandOptions = {},
): Promise<0 | 1> {
  const stdout = options.stdout ?? ((text: string) => void process.stdout.write(text));
  const stderr = options.stderr ?? ((text: string) => void process.stderr.write(text));
  let dataSource: DataSource | undefined;
  try {
    const config = parseConfig(retentionReportConfigSchema, options.env ?? process.env);
    dataSource = new DataSource(
      serviceDataSourceOptions({ ...schedulerDatabase, url: config.DATABASE_URL, poolSize: 2 }),
    );
    await dataSource.initialize();
    // The survey reads tables and indexes of the latest migrations: an older schema would answer wrongly or not at all.
    const pending = await pendingMigrations(dataSource);
    if (pending.length > 0)
      throw new Error(`migrations pending (${pending.join(', ')}): run node dist/migrate.js first`);
    const source = dataSource;
    const report = await surveyRetention(
      async (work) => {
        const runner = source.createQueryRunner();
        await runner.connect();
        try {
          return await work(new RetentionRepository(new Sql(runner)));
        } finally {
          await runner.release();
        }
      },
      { days: config.MEDIAFLOW_RETENTION_DAYS, dryRun: config.MEDIAFLOW_RETENTION_DRY_RUN },
      options.now,
    );
    const json = JSON.stringify(report, null, 2);
    stdout(options.args?.includes('--json') ? `${json}\n` : `${reportTable(report)}\n\n${json}\n`);
    return 0;
  } catch (error) {
    // A setting, an unreachable server, a schema not migrated: one line, not a stack.
    stderr(`retention-report: ${(error as Error)?.message ?? String(error)}\n`);
    return 1;
  } finally {
    await dataSource?.destroy().catch(() => undefined);
  }
}
