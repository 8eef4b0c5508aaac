import { Module } from '@nestjs/common';
import { WebhookSender } from './webhook-sender.service';

@Module({
  providers: [WebhookSender],
  exports: [WebhookSender],
})
export class WebhooksModule {}
