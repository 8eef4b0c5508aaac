import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutomationEntity } from './automation.entity';
import { AutomationsRpcController } from './automations.rpc-controller';
import { AutomationsService } from './automations.service';

@Module({
  imports: [TypeOrmModule.forFeature([AutomationEntity])],
  controllers: [AutomationsRpcController],
  providers: [AutomationsService],
  exports: [AutomationsService],
})
export class AutomationsModule {}
