import { Module } from '@nestjs/common';
import { EventsRpcController } from './events.rpc-controller';
import { EventsService } from './events.service';

@Module({
  controllers: [EventsRpcController],
  providers: [EventsService],
})
export class EventsModule {}
