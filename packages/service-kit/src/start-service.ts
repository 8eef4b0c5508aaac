import 'reflect-metadata';
import type { NatsEnv, ServiceEnv } from '@mediaflow/config';
import type { RpcDefinition } from '@mediaflow/contracts';
import { MessagingServer, type MessageBus } from '@mediaflow/messaging';
import { REQUEST_ID_OPTIONS } from '@mediaflow/observability';
import {
  Logger as NestLogger,
  type DynamicModule,
  type NestApplicationOptions,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { connectServiceBus } from './service-bus';

export type ServiceConfig = ServiceEnv & NatsEnv & { PORT: number };

export interface StartServiceOptions {
  /** The service's name: in logs, metrics and the NATS connection list. */
  service: string;
  config: ServiceConfig;
  /** The root module, given the bus and whether the service owns it (and so closes it). */
  module: (bus: MessageBus, ownsBus: boolean) => DynamicModule;
  /** The Fastify adapter; by default one with request ids from `x-request-id`. */
  httpAdapter?: () => FastifyAdapter;
  appOptions?: NestApplicationOptions;
  /** Serve the app's `@MessagePattern` handlers on the bus, in this queue group. */
  rpcQueue?: string;
  /** The contracts those handlers serve; by default every one in @mediaflow/contracts. */
  rpcDefinitions?: readonly RpcDefinition[];
  /**
   * A bus to use instead of connecting to NATS_URL (the all-in-one's
   * in-process bus). The caller keeps ownership: the service does not close it.
   */
  bus?: MessageBus;
  /** Listen for SIGINT/SIGTERM and exit after a graceful shutdown. Default true. */
  shutdownHooks?: boolean;
}

export interface RunningService {
  app: NestFastifyApplication;
  /** Where it listens, e.g. `http://127.0.0.1:3000`. */
  url: string;
  /** Stops serving, closes HTTP and the database, and drains the bus it connected. */
  close(): Promise<void>;
}

/**
 * Starts a service the way every Mediaflow service starts: its bus, the Nest
 * app on Fastify with pino logs, request/reply handlers on the bus when it
 * has any, HTTP (API or just /health, /ready, /metrics), graceful shutdown.
 */
export async function startService(options: StartServiceOptions): Promise<RunningService> {
  const { config } = options;
  const ownsBus = !options.bus;
  const bus = options.bus ?? (await connectServiceBus(config, options.service));

  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(
      options.module(bus, ownsBus),
      options.httpAdapter?.() ?? new FastifyAdapter(REQUEST_ID_OPTIONS),
      {
        ...options.appOptions,
        abortOnError: false,
        // Logs wait for pino; if the start fails they are dropped, and the caller reports the one reason.
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
    if (options.rpcQueue) {
      // RPC handler classes bind RpcErrorPassthroughFilter themselves (see messaging-server.ts).
      app.connectMicroservice<MicroserviceOptions>(
        {
          strategy: new MessagingServer(bus, {
            queue: options.rpcQueue,
            definitions: options.rpcDefinitions,
          }),
        },
        { inheritAppConfig: true },
      );
    }
    if (options.shutdownHooks ?? true)
      app.enableShutdownHooks(['SIGINT', 'SIGTERM'], { useProcessExit: true });
    if (options.rpcQueue) await app.startAllMicroservices();
    await app.listen(config.PORT, config.HOST);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }

  const url = await app.getUrl();
  new NestLogger(options.service).log(`listening on ${url}`);
  let closing: Promise<void> | undefined;
  return { app, url: reachable(url), close: () => (closing ??= app.close()) };
}

/** `http://[::]:3000` or `http://0.0.0.0:3000` as a URL a client on this machine can use. */
function reachable(url: string): string {
  return url.replace('//[::]:', '//127.0.0.1:').replace('//0.0.0.0:', '//127.0.0.1:');
}

/** For `main.ts`: start, or print one clear line and exit 1. */
export function runService(service: string, start: () => Promise<unknown>): void {
  start().catch((error: unknown) => {
    // What fails at start is almost always a dependency or a setting: one line, not a stack.
    process.stderr.write(
      `${service}: cannot start: ${(error as Error)?.message ?? String(error)}\n`,
    );
    process.exit(1);
  });
}
