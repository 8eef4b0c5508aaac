import { Injectable } from '@nestjs/common';
import { DataSource, type QueryRunner } from 'typeorm';
import { EventsRepository } from '../events/events.repository';
import { DispatchQueueRepository } from '../fairness/dispatch-queue.repository';
import { FilesRepository } from '../files/files.repository';
import { TasksRepository } from '../tasks/tasks.repository';
import { WebhookDeliveriesRepository } from '../webhooks/webhook-deliveries.repository';
import { Sql } from './sql';

/** The scheduler's tables, over one connection (inside a transaction or not). */
export interface Repositories {
  tasks: TasksRepository;
  files: FilesRepository;
  deliveries: WebhookDeliveriesRepository;
  events: EventsRepository;
  queue: DispatchQueueRepository;
}

function repositories(runner: QueryRunner): Repositories {
  const sql = new Sql(runner);
  return {
    tasks: new TasksRepository(sql),
    files: new FilesRepository(sql),
    deliveries: new WebhookDeliveriesRepository(sql),
    events: new EventsRepository(sql),
    queue: new DispatchQueueRepository(sql),
  };
}

/**
 * Opens connections to the scheduler schema: for statements that stand alone
 * (reads, and single-statement writes), for transactions, and for advisory locks.
 */
@Injectable()
export class SchedulerStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Statements each committed on its own (autocommit), reads or writes: for
   * work that one statement does whole; anything that must change several
   * rows together goes in a {@link transaction}.
   */
  autocommit<T>(work: (repos: Repositories) => Promise<T>): Promise<T> {
    return this.withRunner((runner) => work(repositories(runner)));
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
        const result = await work(repositories(runner));
        await runner.commitTransaction();
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
