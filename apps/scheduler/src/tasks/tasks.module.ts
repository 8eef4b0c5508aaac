import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module';
import { TasksHandler } from './tasks.handler';
import { TasksService } from './tasks.service';

@Module({
  imports: [RunsModule],
  controllers: [TasksHandler],
  providers: [TasksService],
})
export class TasksModule {}
