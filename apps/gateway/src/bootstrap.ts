import 'reflect-metadata';
import { NatsMessageBus, type MessageBus } from '@mediaflow/messaging';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { GatewayConfig } from './config';
import { GATEWAY_SERVICE, GatewayModule } from './gateway.module';
import { createGatewayHttpAdapter } from './http/http-adapter';

export interface StartGatewayOptions {
  /**
   * A bus to use instead of connecting to NATS_URL (the all-in-one's
   * in-process bus). The caller keeps ownership: the gateway does not close it.
   */
  bus?: MessageBus;
  /** Listen for SIGINT/SIGTERM and exit after a graceful shutdown. Default true. */
  shutdownHooks?: boolean;
}

export interface RunningGateway {
  app: NestFastifyApplication;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops HTTP, closes the database and drains the bus it connected. */
  close(): Promise<void>;
}

function reachableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Starts the gateway: migrations and the startup keys first, then HTTP on HOST:PORT. */
export async function startGateway(
  config: GatewayConfig,
  options: StartGatewayOptions = {},
): Promise<RunningGateway> {
  const ownsBus = !options.bus;
  const bus =
    options.bus ??
    (await NatsMessageBus.connect({
      url: config.NATS_URL,
      name: GATEWAY_SERVICE,
      subjectPrefix: config.NATS_SUBJECT_PREFIX,
      requestTimeoutMs: config.NATS_REQUEST_TIMEOUT_MS,
      onHandlerError: (subject, error) =>
        new NestLogger('MessageBus').error(
          `${subject} failed`,
          (error as Error)?.stack ?? String(error),
        ),
    }));

  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      GatewayModule.forRoot({ config, bus, closeBusOnShutdown: ownsBus }),
      createGatewayHttpAdapter(),
      {
        // bodyParser off: Fastify's own JSON parser (with the 256 KB limit) is the only one,
        // so other types are a 415.
        bodyParser: false,
        abortOnError: false,
        // Logs wait for pino; if the start fails they are dropped rather than dumped with
        // a stack, and the caller reports the one reason.
        bufferLogs: true,
        autoFlushLogs: false,
      },
    );
  } catch (error) {
    if (ownsBus) await bus.close();
    throw error;
  }

  try {
    app.useLogger(app.get(Logger));
    app.flushLogs();
    if (options.shutdownHooks ?? true)
      app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    app,
    url: `http://${reachableHost(config.HOST)}:${config.PORT}`,
    close: () => (closing ??= app.close()),
  };
}
