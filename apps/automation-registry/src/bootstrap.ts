import 'reflect-metadata';
import { NatsMessageBus, MessagingServer, type MessageBus } from '@mediaflow/messaging';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { REQUEST_ID_OPTIONS } from '@mediaflow/observability';
import type { RegistryConfig } from './config';
import { REGISTRY_SERVICE, RegistryModule } from './registry.module';

export interface StartRegistryOptions {
  /**
   * A bus to serve on instead of connecting to NATS_URL (the all-in-one's
   * in-process bus). The caller keeps ownership: the registry does not close it.
   */
  bus?: MessageBus;
  /** Listen for SIGINT/SIGTERM and exit after a graceful shutdown. Default true. */
  shutdownHooks?: boolean;
}

export interface RunningRegistry {
  app: NestFastifyApplication;
  /** Stops serving, closes HTTP and the database, and drains the bus it connected. */
  close(): Promise<void>;
}

/**
 * Starts the registry: request/reply handlers on the bus (queue group
 * `automation-registry`) and HTTP for /health, /ready and /metrics.
 */
export async function startRegistry(
  config: RegistryConfig,
  options: StartRegistryOptions = {},
): Promise<RunningRegistry> {
  const ownsBus = !options.bus;
  const bus =
    options.bus ??
    (await NatsMessageBus.connect({
      url: config.NATS_URL,
      name: REGISTRY_SERVICE,
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
      // Anything but a MediaflowError is a bug: the caller sees `internal`, the log gets the stack.
      onHandlerError: (subject, error) =>
        new NestLogger('AutomationsHandler').error(
          `${subject} failed`,
          (error as Error)?.stack ?? String(error),
        ),
    }));

  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      RegistryModule.forRoot({ config, bus, closeBusOnShutdown: ownsBus }),
      new FastifyAdapter(REQUEST_ID_OPTIONS),
      // Startup logs wait for pino; if startup fails they are dropped and the caller reports the one reason.
      { bufferLogs: true, autoFlushLogs: false, abortOnError: false },
    );
  } catch (error) {
    if (ownsBus) await bus.close();
    throw error;
  }

  try {
    app.useLogger(app.get(Logger));
    app.flushLogs();
    // Errors keep their code through the filter bound on AutomationsHandler (see there why not here).
    app.connectMicroservice<MicroserviceOptions>(
      { strategy: new MessagingServer(bus, { queue: REGISTRY_SERVICE }) },
      { inheritAppConfig: true },
    );
    if (options.shutdownHooks ?? true) app.enableShutdownHooks([], { useProcessExit: true });
    await app.startAllMicroservices();
    await app.listen(config.PORT, config.HOST);
    new NestLogger('Registry').log(
      `HTTP (health, ready, metrics) on ${await app.getUrl()}; automations on the bus`,
    );
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }

  return { app, close: () => app.close() };
}
