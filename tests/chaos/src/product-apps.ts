import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { startApp, type AppProcess } from '@mediaflow/testing';
import { waitFor } from './bounded-wait';

/**
 * The product's processes (`apps/<name>/dist/main.js`: every app in
 * services mode, or the all-in-one), each with a TMPDIR of its own under
 * the suite's directory, so that what a killed worker left can be told
 * from what another left. A restart keeps the app's port and its TMPDIR,
 * as a restarted container would.
 */
export class ProductApps {
  private readonly running = new Map<string, AppProcess>();
  private readonly exits: string[] = [];

  constructor(
    private readonly names: readonly string[],
    private readonly env: Record<string, string>,
    private readonly tmpRoot: string,
  ) {}

  tmpDir(name: string): string {
    return path.join(this.tmpRoot, name);
  }

  async startAll(): Promise<void> {
    for (const name of this.names) await this.start(name);
  }

  async start(name: string): Promise<void> {
    await mkdir(this.tmpDir(name), { recursive: true });
    const port = this.running.get(name)?.port;
    this.running.set(name, await startApp(name, { ...this.env, TMPDIR: this.tmpDir(name) }, port));
  }

  /** Stops the apps gracefully and starts them again, all at once. */
  async restart(names: readonly string[]): Promise<void> {
    await Promise.all(names.map((name) => stopWithin(this.app(name), 20_000)));
    await Promise.all(names.map((name) => this.start(name)));
  }

  port(name: string): number {
    return this.app(name).port;
  }

  async kill(name: string): Promise<void> {
    await this.app(name).stop('SIGKILL');
  }

  /** Every app alive and answering ready (bounded); one that died by itself is noted and started again. */
  async whole(): Promise<void> {
    for (const [name, app] of this.running) {
      if (app.child.exitCode === null && app.child.signalCode === null) continue;
      this.exits.push(
        `${name} exited by itself (${app.child.exitCode ?? app.child.signalCode}): ${app.output().slice(-2000)}`,
      );
      await this.start(name);
    }
    await waitFor(
      'every app to answer ready',
      60_000,
      async () => (await Promise.all([...this.running.values()].map(isReady))).every(Boolean),
      200,
    );
  }

  unexpectedExits(): string[] {
    return [...this.exits];
  }

  /** SIGTERM, and SIGKILL for any app not gone within 20 s: the suite must end whatever happened. */
  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((app) => stopWithin(app, 20_000)));
  }

  private app(name: string): AppProcess {
    const app = this.running.get(name);
    if (!app) throw new Error(`${name} is not started`);
    return app;
  }
}

async function isReady(app: AppProcess): Promise<boolean> {
  try {
    const res = await fetch(`http://127.0.0.1:${app.port}/ready`, {
      signal: AbortSignal.timeout(2_000),
    });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

async function stopWithin(app: AppProcess, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), ms)));
  const stopped = await Promise.race([app.stop('SIGTERM'), late]);
  clearTimeout(timer);
  if (stopped === 'late') await app.stop('SIGKILL');
}
