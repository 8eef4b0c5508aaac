import { Module } from '@nestjs/common';
import { FilesModule } from '../files/files.module';
import { IdempotencyModule } from '../idempotency/idempotency.module';
import { ProjectsModule } from '../projects/projects.module';
import { TaskChangesModule } from '../task-changes/task-changes.module';
import { AutomationRunsController } from './automation-runs.controller';
import { TaskEventsService } from './task-events.service';
import { TasksController } from './tasks.controller';
import { TasksService } from './tasks.service';

@Module({
  imports: [FilesModule, IdempotencyModule, ProjectsModule, TaskChangesModule],
  controllers: [TasksController, AutomationRunsController],
  providers: [TasksService, TaskEventsService],
  exports: [TasksService],
})
export class TasksModule {}
