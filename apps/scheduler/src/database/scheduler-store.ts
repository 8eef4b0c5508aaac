import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { EventDeliveriesRepository } from '../events/event-deliveries.repository';
import { EventsRepository } from '../events/events.repository';
import { DispatchQueueRepository } from '../fairness/dispatch-queue.repository';
import { FilesRepository } from '../files/files.repository';
import { RetentionRepository } from '../retention/retention.repository';
import { TasksRepository } from '../tasks/tasks.repository';
import { WebhookEndpointsRepository } from '../webhook-endpoints/webhook-endpoints.repository';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { Sql } from './sql';

/** The scheduler's tables, over one connection (inside a transaction or not). */
export interface Repositories {
  tasks: TasksRepository;
  files: FilesRepository;
  deliveries: WebhookDeliveriesRepository;
  events: EventsRepository;
  eventDeliveries: EventDeliveriesRepository;
  webhookEndpoints: WebhookEndpointsRepository;
  queue: DispatchQueueRepository;
  retention: RetentionRepository;
}

/** `made` collects the event deliveries the work makes, to send once they have committed. */
function repositories(runner: QueryRunner, made: string[]): Repositories {
  const sql = new Sql(runner);
  const eventDeliveries = new EventDeliveriesRepository(sql, made);
  const events = new EventsRepository(sql, eventDeliveries);
  return {
    tasks: new TasksRepository(sql),
    files: new FilesRepository(sql),
    deliveries: new WebhookDeliveriesRepository(sql),
    events,
    eventDeliveries,
    webhookEndpoints: new WebhookEndpointsRepository(sql),
    queue: new DispatchQueueRepository(sql),
    retention: new RetentionRepository(sql),
  };
}

/**
 * Opens connections to the scheduler schema: for statements that stand alone
 * (reads, and single-statement writes), for transactions, and for advisory locks.
 */
@Injectable()
export class SchedulerStore {
  private eventDeliveriesMade: (ids: string[]) => void = () => undefined;

  constructor(private readonly dataSource: DataSource) {}

  /**
   * Who sends an event's deliveries to webhook endpoints once they have
   * committed. Events are kept by many decisions (a run's, a file's, the
   * registry's), each in its own transaction: the store, which ends them
   * all, hands over what each made, so that none has to.
   */
  onEventDeliveriesMade(listener: (ids: string[]) => void): void {
    this.eventDeliveriesMade = listener;
  }

  /**
   * Statements each committed on its own (autocommit), reads or writes: for
   * work that one statement does whole; anything that must change several
   * rows together goes in a {@link transaction}.
   */
  autocommit<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.withRunner(async (runner) => {
      const made: string[] = [];
      const result = await work(repositories(runner, made));
      this.handOver(made);
      return result;
    });
  }

  /**
   * One transaction at PostgreSQL's default level, READ COMMITTED (the
   * scheduler's writes are conditional updates under row locks): committed
   * when `work` resolves, rolled back when it throws. No level is named: that
   * would be one more statement (`SET TRANSACTION`) on every transaction.
   */
  transaction<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.withRunner(async (runner) => {
      await runner.startTransaction();
      try {
        const made: string[] = [];
        const result = await work(repositories(runner, made));
        await runner.commitTransaction();
        this.handOver(made);
        return result;
      } catch (error) {
        await runner.rollbackTransaction().catch(() => undefined);
        throw error;
      }
    });
  }

  /**
   * Runs `work` only if this process gets the advisory lock `name`: one
   * replica at a time does it. The lock is a transaction lock held by a
   * connection of its own that only waits while `work` runs (on other
   * connections), so it goes whenever that transaction ends, even if this
   * process dies. Resolves false when another replica holds it.
   */
  withAdvisoryLock(name: string, work: () => Promise<void>): Promise<boolean> {
    return this.withRunner(async (runner) => {
      await runner.startTransaction();
      try {
        const [row] = await new Sql(runner).rows<{ locked: boolean }>(
          'SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked',
          [name],
        );
        if (row?.locked) await work();
        return row?.locked === true;
      } finally {
        await runner.rollbackTransaction().catch(() => undefined);
      }
    });
  }

  /** Deliveries a sender missed (none listening, a throw) stay due for the reconciler. */
  private handOver(made: string[]): void {
    if (made.length > 0) this.eventDeliveriesMade(made);
  }

  private async withRunner<T>(work: (runner: QueryRunner) => Promise<T>): Promise<T> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      return await work(runner);
    } finally {
      await runner.release();
    }
  }
}
