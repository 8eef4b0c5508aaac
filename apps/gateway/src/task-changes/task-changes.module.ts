import { Module } from '@nestjs/common';
import { TaskChangeFeed } from './task-change-feed';
import { TaskWaiter } from './task-waiter';

/** Following tasks as the scheduler changes them: the change feed, and waiting for a task to end. */
@Module({
  providers: [TaskChangeFeed, TaskWaiter],
  exports: [TaskChangeFeed, TaskWaiter],
})
export class TaskChangesModule {}
