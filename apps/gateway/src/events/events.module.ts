import { Module } from '@nestjs/common';
import { TaskChangesModule } from '../task-changes/task-changes.module';
import { TasksModule } from '../tasks/tasks.module';
import { EventsController } from './events.controller';
import { ProjectEventsService } from './project-events.service';

/** `GET /events/stream`: the project's events on one connection. */
@Module({
  imports: [TasksModule, TaskChangesModule],
  controllers: [EventsController],
  providers: [ProjectEventsService],
})
export class EventsModule {}
