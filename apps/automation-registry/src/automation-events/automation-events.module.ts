import { Module } from '@nestjs/common';
import { AutomationEventOutbox } from './automation-event-outbox';
import { AutomationEventRelay } from './automation-event-relay.service';

/** Automation events: from the outbox the automations' trigger writes, to the scheduler's event log. */
@Module({
  providers: [AutomationEventOutbox, AutomationEventRelay],
  exports: [AutomationEventRelay],
})
export class AutomationEventsModule {}
