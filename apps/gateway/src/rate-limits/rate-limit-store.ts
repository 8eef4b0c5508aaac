import {
  Inject,
  Injectable,
  Logger,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';
import { GATEWAY_SCHEMA } from '../database/gateway-database';

/** Made by migration 1796600000000-rate-limits; the library's own layout (key, points, expire). */
export const RATE_LIMITS_TABLE = 'rate_limits';

/** How often a replica deletes the rows of ended windows (an ended row counts as empty anyway). */
const SWEEP_EVERY_MS = 5 * 60_000;

type RateLimitConfig = Pick<
  GatewayConfig,
  | 'MEDIAFLOW_RATE_LIMIT_WINDOW_S'
  | 'MEDIAFLOW_AUTH_FAILURE_LIMIT'
  | 'MEDIAFLOW_AUTH_FAILURE_WINDOW_S'
>;

/**
 * The counters behind the gateway's limits, in `gateway.rate_limits`, so
 * that every replica counts into the same window.
 *
 * Why rate-limiter-flexible: it is the maintained Node limiter with a
 * PostgreSQL store (one atomic `INSERT … ON CONFLICT … RETURNING` per
 * request, fixed windows keyed by expiry) that takes an existing `pg` pool,
 * so the limits hold across replicas with no new server (no Redis to run);
 * and it has an insurance limiter: when PostgreSQL fails a count, the same
 * count is kept in this process's memory instead, so a database hiccup
 * loosens a limit to per replica for a moment rather than failing requests.
 * Its `expire` is the gateway's clock (`Date.now()`): replicas' clocks must
 * agree to a second, as NTP keeps them.
 */
@Injectable()
export class RateLimitStore implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RateLimits');
  private readonly pool: unknown;
  private sweeper?: NodeJS.Timeout;
  /** One limiter per distinct quota; they share the table and each project's row. */
  private readonly projectLimiters = new Map<number, RateLimiterPostgres>();
  readonly authFailures: RateLimiterPostgres;

  constructor(
    private readonly db: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: RateLimitConfig,
  ) {
    // The gateway's own pool: no second set of connections to size (DATABASE_POOL_SIZE).
    this.pool = (db.driver as PostgresDriver).master;
    this.authFailures = this.limiter(
      'auth-failure',
      config.MEDIAFLOW_AUTH_FAILURE_LIMIT,
      config.MEDIAFLOW_AUTH_FAILURE_WINDOW_S,
    );
  }

  /**
   * Our own sweep rather than the library's (`clearExpiredByTimeout`): one
   * per process whatever the number of limiters, and stopped with the app.
   */
  onModuleInit(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Deletes the rows of windows that have ended; answers how many. */
  async sweep(now = Date.now()): Promise<number> {
    try {
      const rows: unknown[] = await this.db.query(
        `WITH "swept" AS (
           DELETE FROM "${GATEWAY_SCHEMA}"."${RATE_LIMITS_TABLE}" WHERE "expire" < $1 RETURNING 1
         )
         SELECT 1 FROM "swept"`,
        [now],
      );
      return rows.length;
    } catch (error) {
      this.logger.warn(`cannot sweep ended rate-limit windows: ${String(error)}`);
      return 0;
    }
  }

  /**
   * The limiter of projects whose quota is `points` per window. The row of a
   * project is the same whatever its quota, so a changed limit applies to
   * the window already under way.
   */
  projectLimiter(points: number): RateLimiterPostgres {
    let limiter = this.projectLimiters.get(points);
    if (!limiter) {
      limiter = this.limiter('project', points, this.config.MEDIAFLOW_RATE_LIMIT_WINDOW_S);
      this.projectLimiters.set(points, limiter);
    }
    return limiter;
  }

  private limiter(keyPrefix: string, points: number, duration: number): RateLimiterPostgres {
    return new RateLimiterPostgres({
      storeClient: this.pool,
      storeType: 'pool',
      schemaName: GATEWAY_SCHEMA,
      tableName: RATE_LIMITS_TABLE,
      // Made by a migration, like every table of the schema; the library would otherwise create it.
      tableCreated: true,
      clearExpiredByTimeout: false,
      keyPrefix,
      points,
      duration,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration }),
    });
  }
}
