import { Module } from '@nestjs/common';
import { HeldWorkController } from '../fairness/held-work.controller';
import { TriggersModule } from '../triggers/triggers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { DispatchPublisher } from './dispatch-publisher';
import { RunsService } from './runs.service';
import { TaskEventsConsumer } from './task-events.consumer';

@Module({
  imports: [WebhooksModule, TriggersModule],
  controllers: [HeldWorkController],
  providers: [RunsService, DispatchPublisher, TaskEventsConsumer],
  exports: [RunsService, DispatchPublisher],
})
export class RunsModule {}
