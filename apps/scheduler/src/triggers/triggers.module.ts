import { Module } from '@nestjs/common';
import { TriggerLookup } from './trigger-lookup';

@Module({
  providers: [TriggerLookup],
  exports: [TriggerLookup],
})
export class TriggersModule {}
