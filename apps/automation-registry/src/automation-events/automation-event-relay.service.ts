import { schedulerRpc } from '@mediaflow/contracts';
import { MESSAGE_BUS, type MessageBus } from '@mediaflow/messaging';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { toAutomationEvent, type AutomationOutboxRow } from './automation-event';
import { AutomationEventOutbox } from './automation-event-outbox';

/** Events per message to the scheduler. */
const BATCH = 100;
/**
 * How often the outbox is looked at besides the wake after each change:
 * what another replica (or this one, before a crash) left there waits at
 * most this long once the scheduler answers.
 */
export const RELAY_INTERVAL_MS = 2_000;

/**
 * Relays automation events from the outbox to the scheduler's event log,
 * oldest first, at least once: woken after each change this replica makes,
 * and every RELAY_INTERVAL_MS. While the scheduler does not answer (it
 * starts after the registry in the all-in-one) the events wait, and are
 * relayed once it does.
 */
@Injectable()
export class AutomationEventRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(AutomationEventRelay.name);
  private timer?: NodeJS.Timeout;
  private relaying?: Promise<void>;
  private again = false;
  private failing = false;

  constructor(
    private readonly outbox: AutomationEventOutbox,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.wake(), RELAY_INTERVAL_MS);
    this.wake();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.relaying;
  }

  /** Relays what waits now; a wake during a relay makes one more, not one each. */
  wake(): void {
    if (this.relaying) {
      this.again = true;
      return;
    }
    this.relaying = this.relayAll().finally(() => {
      this.relaying = undefined;
      if (this.again && this.timer) {
        this.again = false;
        this.wake();
      }
    });
  }

  private async relayAll(): Promise<void> {
    try {
      if (!(await this.outbox.hasWaiting())) return;
      let relayed: number;
      do relayed = await this.outbox.relayOldest(BATCH, (rows) => this.send(rows));
      while (relayed === BATCH);
      if (this.failing) this.logger.log('automation events reach the scheduler again');
      this.failing = false;
    } catch (error) {
      // Once per outage: the events are safe in the outbox meanwhile.
      if (!this.failing)
        this.logger.warn(
          `automation events wait in the outbox: ${(error as Error).message}; trying again every ${RELAY_INTERVAL_MS} ms`,
        );
      this.failing = true;
    }
  }

  private async send(rows: AutomationOutboxRow[]): Promise<void> {
    await this.bus.request(schedulerRpc.recordAutomationEvents, {
      events: rows.map(toAutomationEvent),
    });
  }
}
