import { natsCredentials, type NatsEnv } from '@mediaflow/config';
import { MESSAGE_BUS, NatsMessageBus, type MessageBus } from '@mediaflow/messaging';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { globalConnectionModule } from './global-connection';

/** Connects a service to NATS; handler failures that are bugs are logged with their stack. */
export function connectServiceBus(config: NatsEnv, service: string): Promise<MessageBus> {
  return NatsMessageBus.connect({
    ...natsCredentials(config),
    name: service,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
    // Anything but a MediaflowError is a bug: the caller sees `internal`, the log gets the stack.
    onHandlerError: (subject, error) =>
      new Logger('MessageBus').error(`${subject} failed`, (error as Error)?.stack ?? String(error)),
  });
}

/** Provides the bus under MESSAGE_BUS to every module of the app. */
@Module({})
export class ServiceBusModule {
  static forRoot(bus: MessageBus, options: { closeOnShutdown: boolean }): DynamicModule {
    return globalConnectionModule(ServiceBusModule, MESSAGE_BUS, bus, options.closeOnShutdown);
  }
}
