import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { freePort } from './free-port';

/** The repository, from packages/testing/src or /dist. */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * Starts `apps/<name>/dist/main.js` as its own process and waits until `/ready` answers 200.
 * `nodeArgs` go to Node before the script: `--cpu-prof` and its kin are refused in NODE_OPTIONS.
 */
export async function startApp(
  name: string,
  env: Record<string, string>,
  port?: number,
  nodeArgs: readonly string[] = [],
): Promise<AppProcess> {
  const listenPort = port ?? (await freePort());
  const script = path.join(REPO_ROOT, 'apps', name, 'dist', 'main.js');
  const child = spawn(process.execPath, [...nodeArgs, script], {
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      ...env,
      PORT: String(listenPort),
      HOST: '127.0.0.1',
      LOG_LEVEL: env.LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const app: AppProcess = {
    name,
    port: listenPort,
    child,
    output: () => output,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
  await waitUntilReady(app);
  return app;
}

async function waitUntilReady(app: AppProcess, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (app.child.exitCode !== null)
      throw new Error(`${app.name} exited with ${app.child.exitCode}:\n${app.output()}`);
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await app.stop('SIGKILL');
  throw new Error(`${app.name} was not ready within ${timeoutMs} ms:\n${app.output()}`);
}
