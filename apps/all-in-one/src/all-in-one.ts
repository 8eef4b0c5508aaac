import path from 'node:path';
import { startRegistry } from '@mediaflow/automation-registry';
import { startEmbeddedPostgres } from '@mediaflow/database';
import { startGateway } from '@mediaflow/gateway';
import { processServiceName } from '@mediaflow/observability';
import { startScheduler } from '@mediaflow/scheduler';
import { startImageWorker } from '@mediaflow/worker-image';
import { startSubtitlesWorker } from '@mediaflow/worker-subtitles';
import { startSummaryWorker } from '@mediaflow/worker-summary';
import { startVideoWorker } from '@mediaflow/worker-video';
import { allInOneConfigs } from './app-configs';
import { startupApiKey, type StartupApiKey } from './api-key';
import { inProcessMessaging, natsMessaging, type ProcessMessaging } from './messaging';
import { ShutdownStack } from './shutdown-stack';

type Env = Record<string, string | undefined>;

export const ALL_IN_ONE_SERVICE = 'all-in-one';

export interface RunningAllInOne {
  /** The gateway, e.g. `http://127.0.0.1:3000`. */
  url: string;
  apiKey: StartupApiKey;
  dataDir: string;
  messaging: ProcessMessaging['kind'];
  /** `embedded` (under the data dir) or `server` (DATABASE_URL). */
  database: 'embedded' | 'server';
  /** Stops every service, then the messaging and the embedded database; safe to call twice. */
  close(): Promise<void>;
}

/**
 * Every module of every app in one process: the automation registry, the
 * scheduler, the four workers and, last so that it only takes requests once
 * the rest can serve them, the gateway. With NATS_URL / DATABASE_URL set it
 * uses them; otherwise the in-process messaging driver and an embedded
 * PostgreSQL, both keeping their state under MEDIAFLOW_DATA_DIR.
 */
export async function startAllInOne(env: Env = process.env): Promise<RunningAllInOne> {
  // Every app's logs and metrics say all-in-one: they share one logger and one registry.
  processServiceName(ALL_IN_ONE_SERVICE);
  const dataDir = path.resolve(env.MEDIAFLOW_DATA_DIR || '.mediaflow');
  const apiKey = startupApiKey(dataDir, env.MEDIAFLOW_API_KEY);
  const running = new ShutdownStack();
  try {
    let databaseUrl = env.DATABASE_URL;
    if (!databaseUrl) {
      const embedded = await startEmbeddedPostgres({ dataDir });
      running.push(() => embedded.stop());
      databaseUrl = embedded.url;
    }
    const configs = allInOneConfigs({
      ...env,
      MEDIAFLOW_DATA_DIR: dataDir,
      MEDIAFLOW_API_KEY: apiKey.key,
      DATABASE_URL: databaseUrl,
    });

    const messaging = env.NATS_URL ? natsMessaging() : await inProcessMessaging(dataDir);
    running.push(() => messaging.close());
    // Every app reads MEDIAFLOW_TASK_ACK_WAIT_MS and NATS_REQUEST_TIMEOUT_MS from the one environment.
    const settings = {
      ackWaitMs: configs.scheduler.MEDIAFLOW_TASK_ACK_WAIT_MS,
      requestTimeoutMs: configs.scheduler.NATS_REQUEST_TIMEOUT_MS,
    };
    const connect = (service: string) => {
      const given = messaging.forService(service, settings);
      running.push(() => given.close());
      return { bus: given.bus, transport: given.transport, shutdownHooks: false };
    };
    const start = async <App extends { close(): Promise<void> }>(
      service: string,
      started: (options: ReturnType<typeof connect>) => Promise<App>,
    ): Promise<App> => {
      const app = await started(connect(service));
      running.push(() => app.close());
      return app;
    };

    await start('automation-registry', ({ bus, shutdownHooks }) =>
      startRegistry(configs.registry, { bus, shutdownHooks }),
    );
    await start('scheduler', (options) => startScheduler(configs.scheduler, options));
    await start('worker-video', (options) => startVideoWorker(configs.video, options));
    await start('worker-image', (options) => startImageWorker(configs.image, options));
    await start('worker-subtitles', (options) => startSubtitlesWorker(configs.subtitles, options));
    await start('worker-summary', (options) => startSummaryWorker(configs.summary, options));
    const gateway = await start('gateway', (options) => startGateway(configs.gateway, options));

    return {
      url: gateway.url,
      apiKey,
      dataDir,
      messaging: messaging.kind,
      database: env.DATABASE_URL ? 'server' : 'embedded',
      close: () => running.close(),
    };
  } catch (error) {
    await running.close();
    throw error;
  }
}
