import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutomationEventsModule } from '../automation-events/automation-events.module';
import { AutomationEntity } from './automation.entity';
import { AutomationsRpcController } from './automations.rpc-controller';
import { AutomationsService } from './automations.service';

@Module({
  imports: [TypeOrmModule.forFeature([AutomationEntity]), AutomationEventsModule],
  controllers: [AutomationsRpcController],
  providers: [AutomationsService],
  exports: [AutomationsService],
})
export class AutomationsModule {}
