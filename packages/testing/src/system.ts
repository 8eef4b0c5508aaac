import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deleteTaskStreams } from './task-harness';
import { Client } from 'pg';
import { startApp, type AppProcess } from './app-process';

const BASE_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new Client({ connectionString: withDatabase(BASE_DATABASE_URL, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * The whole product as separate processes on the real NATS and PostgreSQL:
 * its own database and NATS subject prefix, so test files never meet.
 */
/** Every app, in the order they start. */
export const ALL_APPS = [
  'automation-registry',
  'scheduler',
  'worker-video',
  'worker-image',
  'worker-subtitles',
  'worker-summary',
  'gateway',
];

export interface SystemOptions {
  /** Variables for one app only, over the shared ones (e.g. its NATS user). */
  appEnv?: Record<string, Record<string, string>>;
  /**
   * A NATS of the test's own: no subject prefix, and its streams are the
   * test's to remove (System.stop leaves them).
   */
  ownNats?: boolean;
}

export class System {
  readonly apps = new Map<string, AppProcess>();
  readonly env: Record<string, string>;
  readonly adminKey = `mf_e2e${randomBytes(20).toString('hex')}`;
  readonly dataDir: string;
  private readonly database: string;

  private constructor(
    extraEnv: Record<string, string>,
    private readonly options: SystemOptions,
  ) {
    const id = randomBytes(6).toString('hex');
    this.database = `mediaflow_e2e_${id}`;
    this.dataDir = mkdtempSync(path.join(tmpdir(), 'mediaflow-e2e-'));
    this.env = {
      DATABASE_URL: withDatabase(BASE_DATABASE_URL, this.database),
      NATS_URL,
      ...(options.ownNats ? {} : { NATS_SUBJECT_PREFIX: `e2e${id}` }),
      MEDIAFLOW_API_KEY: this.adminKey,
      MEDIAFLOW_DATA_DIR: this.dataDir,
      ...extraEnv,
    };
  }

  /** Starts the given apps in order (the database is created by the first one). */
  static async start(
    names: string[] = ['automation-registry', 'gateway'],
    extraEnv: Record<string, string> = {},
    options: SystemOptions = {},
  ): Promise<System> {
    const system = new System(extraEnv, options);
    try {
      for (const name of names) await system.startApp(name);
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  async startApp(name: string): Promise<AppProcess> {
    const env = { ...this.env, ...this.options.appEnv?.[name] };
    const app = await startApp(name, env, this.apps.get(name)?.port);
    this.apps.set(name, app);
    return app;
  }

  app(name: string): AppProcess {
    const app = this.apps.get(name);
    if (!app) throw new Error(`${name} is not started`);
    return app;
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.app('gateway').port}`;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.apps.values()].map((app) => app.stop()));
    await adminQuery(`DROP DATABASE IF EXISTS "${this.database}" WITH (FORCE)`);
    if (!this.options.ownNats) await deleteTaskStreams(NATS_URL, this.env.NATS_SUBJECT_PREFIX!);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
