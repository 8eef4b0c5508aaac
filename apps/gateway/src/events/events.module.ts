import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { TaskChangesModule } from '../task-changes/task-changes.module';
import { TasksModule } from '../tasks/tasks.module';
import { EventsController } from './events.controller';
import { LoggedEventsService } from './logged-events.service';
import { ProjectEventsService } from './project-events.service';

/** `GET /events/stream`: the project's events on one connection; `GET /events`: the log, with deliveries. */
@Module({
  imports: [TasksModule, TaskChangesModule, FilesModule, IdempotencyModule],
  controllers: [EventsController],
  providers: [ProjectEventsService, LoggedEventsService],
})
export class EventsModule {}
