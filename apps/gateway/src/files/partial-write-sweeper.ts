import { canSweepPartialWrites, type Storage } from '@mediaflow/storage';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { UPLOAD_IDLE_MS } from './staged-uploads';
import { STORAGE } from './storage.provider';

/**
 * How long a partial write may go without a byte before it counts as a dead
 * process's. An upload under way writes at least every UPLOAD_IDLE_MS or is
 * given up, its temp file removed; a worker storing an output copies without
 * pause. Its length has no bound (a 2 GiB upload on a slow link takes hours),
 * so age is counted from the last byte, never from the start. Fifteen idle
 * limits leave room for a slow fsync and for clocks apart between the hosts
 * of replicas sharing the volume.
 */
export const PARTIAL_WRITE_GRACE_MS = 15 * UPLOAD_IDLE_MS;

/** How often the gateway sweeps besides at start. */
export const PARTIAL_WRITE_SWEEP_MS = 10 * 60_000;

/**
 * Removes what writes cut short by a killed process (kill -9, an OOM kill, a
 * lost node) left in storage's temp area (`files/.tmp` of the local driver):
 * uploads of this gateway or another replica, and outputs of a worker
 * sharing the volume. Once at start, before the gateway listens, then every
 * PARTIAL_WRITE_SWEEP_MS. A write under way elsewhere is never touched: it
 * writes more often than the grace. The S3 driver stages nothing locally,
 * so there is nothing to sweep with it.
 */
@Injectable()
export class PartialWriteSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('PartialWriteSweeper');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;

  constructor(@Inject(STORAGE) private readonly storage: Storage) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!canSweepPartialWrites(this.storage)) return;
    await this.sweep();
    this.timer = setInterval(() => void this.sweep(), PARTIAL_WRITE_SWEEP_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  /** One sweep; a sweep still going (a slow volume) is joined, not doubled. A failure is logged, never thrown. */
  sweep(): Promise<void> {
    this.sweeping ??= this.sweepOnce().finally(() => (this.sweeping = undefined));
    return this.sweeping;
  }

  private async sweepOnce(): Promise<void> {
    if (!canSweepPartialWrites(this.storage)) return;
    try {
      const removed = await this.storage.sweepPartialWrites(PARTIAL_WRITE_GRACE_MS);
      if (removed.length > 0) {
        this.logger.log(
          `removed ${removed.length} partial write${removed.length === 1 ? '' : 's'} left by a process that stopped mid-write`,
        );
      }
    } catch (error) {
      this.logger.warn(`partial writes not swept: ${(error as Error).message}`);
    }
  }
}
