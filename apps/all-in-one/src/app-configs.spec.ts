import { ConfigError } from '@mediaflow/config';
import { allInOneConfigs } from './app-configs';

const BASE = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/mediaflow',
  MEDIAFLOW_DATA_DIR: '/data',
};

describe('allInOneConfigs', () => {
  it('gives PORT and HOST to the gateway, and a free loopback port to every other app', () => {
    const configs = allInOneConfigs({ ...BASE, PORT: '8080', HOST: '0.0.0.0' });
    expect(configs.gateway).toMatchObject({ PORT: 8080, HOST: '0.0.0.0' });
    for (const app of [
      configs.registry,
      configs.scheduler,
      configs.video,
      configs.image,
      configs.subtitles,
      configs.summary,
    ]) {
      expect(app).toMatchObject({ PORT: 0, HOST: '127.0.0.1' });
    }
    for (const app of [
      configs.scheduler,
      configs.video,
      configs.image,
      configs.subtitles,
      configs.summary,
      configs.gateway,
    ]) {
      expect(app.MEDIAFLOW_DATA_DIR).toBe('/data');
    }
  });

  it('reads every variable the way the services mode does', () => {
    const configs = allInOneConfigs({
      ...BASE,
      MEDIAFLOW_WORKER_CONCURRENCY: '3',
      MEDIAFLOW_TASK_ACK_WAIT_MS: '5000',
    });
    expect(
      [configs.video, configs.image, configs.subtitles, configs.summary].map(
        (c) => c.MEDIAFLOW_WORKER_CONCURRENCY,
      ),
    ).toEqual([3, 3, 3, 3]);
    expect(configs.scheduler.MEDIAFLOW_TASK_ACK_WAIT_MS).toBe(5000);
    expect(configs.scheduler.MEDIAFLOW_TASK_STALL_MS).toBe(25_000);
    expect(configs.registry.DATABASE_URL).toBe(BASE.DATABASE_URL);
    expect(configs.gateway.PORT).toBe(3000);
  });

  it('always migrates at start: the one process has no migrations Job', () => {
    const configs = allInOneConfigs({ ...BASE, MEDIAFLOW_MIGRATE_ON_START: 'false' });
    expect(configs.scheduler.MEDIAFLOW_MIGRATE_ON_START).toBe(true);
    expect(configs.gateway.MEDIAFLOW_MIGRATE_ON_START).toBe(true);
    expect(configs.registry.MEDIAFLOW_MIGRATE_ON_START).toBe(true);
  });

  it('logs warnings and errors only, unless LOG_LEVEL says otherwise', () => {
    expect(allInOneConfigs(BASE).gateway.LOG_LEVEL).toBe('warn');
    expect(allInOneConfigs({ ...BASE, LOG_LEVEL: 'debug' }).video.LOG_LEVEL).toBe('debug');
  });

  it('names each bad variable once, although several apps read it', () => {
    let error: unknown;
    try {
      allInOneConfigs({ ...BASE, MEDIAFLOW_WORKER_CONCURRENCY: 'many', PORT: '70000' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message.match(/MEDIAFLOW_WORKER_CONCURRENCY/g)).toHaveLength(1);
    expect(message).toContain('PORT must be ≤ 65535');
  });
});
