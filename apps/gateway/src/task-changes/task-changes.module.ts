import { Module } from '@nestjs/common';
import { EventLog } from './event-log';
import { TaskChangeFeed } from './task-change-feed';
import { TaskWaiter } from './task-waiter';

/**
 * Following tasks as the scheduler changes them: the change feed, waiting
 * for a task to end, and the project's event log that streams resume from.
 */
@Module({
  providers: [TaskChangeFeed, TaskWaiter, EventLog],
  exports: [TaskChangeFeed, TaskWaiter, EventLog],
})
export class TaskChangesModule {}
