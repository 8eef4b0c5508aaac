import type { NatsEnv } from '@mediaflow/config';
import { MESSAGE_BUS, NatsMessageBus, type MessageBus } from '@mediaflow/messaging';
import {
  Global,
  Inject,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';

/** Connects a service to NATS; handler failures that are bugs are logged with their stack. */
export function connectServiceBus(config: NatsEnv, service: string): Promise<MessageBus> {
  return NatsMessageBus.connect({
    url: config.NATS_URL,
    name: service,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    // Anything but a MediaflowError is a bug: the caller sees `internal`, the log gets the stack.
    onHandlerError: (subject, error) =>
      new Logger('MessageBus').error(`${subject} failed`, (error as Error)?.stack ?? String(error)),
  });
}

/** Closes a bus the service owns, after Nest has stopped everything that used it. */
class BusShutdown implements OnApplicationShutdown {
  constructor(@Inject(MESSAGE_BUS) private readonly bus: MessageBus) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
  }
}

/** Provides the bus under MESSAGE_BUS to every module of the app. */
@Global()
@Module({})
export class ServiceBusModule {
  static forRoot(bus: MessageBus, options: { closeOnShutdown: boolean }): DynamicModule {
    return {
      module: ServiceBusModule,
      providers: [
        { provide: MESSAGE_BUS, useValue: bus },
        ...(options.closeOnShutdown ? [BusShutdown] : []),
      ],
      exports: [MESSAGE_BUS],
    };
  }
}
