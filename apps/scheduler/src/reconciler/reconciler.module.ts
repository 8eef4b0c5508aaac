import { Module } from '@nestjs/common';
import { RetentionModule } from '../retention/retention.module';
import { RunsModule } from '../runs/runs.module';
import { TriggersModule } from '../triggers/triggers.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { Reconciler } from './reconciler.service';

@Module({
  imports: [RunsModule, WebhooksModule, TriggersModule, RetentionModule],
  providers: [Reconciler],
  exports: [Reconciler],
})
export class ReconcilerModule {}
