import { natsCredentials, type NatsEnv } from '@mediaflow/config';
import { JetStreamTaskTransport, TASK_TRANSPORT, type TaskTransport } from '@mediaflow/messaging';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { globalConnectionModule } from './global-connection';

/**
 * Connects a service to the task transport at NATS_URL (JetStream); what
 * breaks its contract, and failures nobody else sees, go to the log.
 */
export function connectServiceTransport(
  config: NatsEnv,
  service: string,
  options: { ackWaitMs?: number } = {},
): Promise<JetStreamTaskTransport> {
  const logger = new Logger('TaskTransport');
  return JetStreamTaskTransport.connect({
    ...natsCredentials(config),
    name: service,
    subjectPrefix: config.NATS_SUBJECT_PREFIX,
    streamReplicas: config.MEDIAFLOW_STREAM_REPLICAS,
    ...options,
    onInvalid: (subject, reason) =>
      logger.warn(`dropped an invalid message on ${subject}: ${reason}`),
    onError: (context, error) =>
      logger.error(`${context}: ${(error as Error)?.message ?? String(error)}`),
  });
}

/** Provides the task transport under TASK_TRANSPORT to every module of the app. */
@Module({})
export class ServiceTransportModule {
  static forRoot(transport: TaskTransport, options: { closeOnShutdown: boolean }): DynamicModule {
    return globalConnectionModule(
      ServiceTransportModule,
      TASK_TRANSPORT,
      transport,
      options.closeOnShutdown,
    );
  }
}

/**
 * Starts a service on the transport given, or on one it connects, which is
 * closed again if the start fails (once started, the app closes it at
 * shutdown: see {@link ServiceTransportModule}).
 */
export async function withServiceTransport<T>(
  given: TaskTransport | undefined,
  connect: () => Promise<TaskTransport>,
  start: (transport: TaskTransport, owned: boolean) => Promise<T>,
): Promise<T> {
  const owned = !given;
  const transport = given ?? (await connect());
  try {
    return await start(transport, owned);
  } catch (error) {
    // Closing twice is harmless: the app may have closed it on its way down.
    if (owned) await transport.close().catch(() => undefined);
    throw error;
  }
}
