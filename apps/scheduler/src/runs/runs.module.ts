import { Module } from '@nestjs/common';
import { DispatchPublisher } from './dispatch-publisher';
import { RunsService } from './runs.service';
import { TaskEventsConsumer } from './task-events.consumer';

@Module({
  providers: [RunsService, DispatchPublisher, TaskEventsConsumer],
  exports: [RunsService, DispatchPublisher],
})
export class RunsModule {}
