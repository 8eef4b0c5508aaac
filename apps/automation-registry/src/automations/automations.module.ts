import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AutomationEntity } from './automation.entity';
import { AutomationsHandler } from './automations.handler';
import { AutomationsService } from './automations.service';

@Module({
  imports: [TypeOrmModule.forFeature([AutomationEntity])],
  controllers: [AutomationsHandler],
  providers: [AutomationsService],
  exports: [AutomationsService],
})
export class AutomationsModule {}
