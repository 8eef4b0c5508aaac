import { Module } from '@nestjs/common';
import { WebhookEndpointsRpcController } from './webhook-endpoints.rpc-controller';
import { WebhookEndpointsService } from './webhook-endpoints.service';

@Module({
  controllers: [WebhookEndpointsRpcController],
  providers: [WebhookEndpointsService],
})
export class WebhookEndpointsModule {}
