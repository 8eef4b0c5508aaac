import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@mediaflow/testing';

/** The counters of nats-server's `/varz` that a benchmark reads. */
export interface NatsVarz {
  in_msgs: number;
  out_msgs: number;
  in_bytes: number;
  out_bytes: number;
  mem: number;
}

export interface NatsServer {
  url: string;
  pid: number;
  varz(): Promise<NatsVarz>;
  stop(): Promise<void>;
}

/**
 * A nats-server of the benchmark's own, with JetStream, on loopback ports
 * chosen now and a store in a temporary directory: its message counters
 * (`/varz`) then count the product's messages alone, not those of whatever
 * else shares the machine's NATS.
 */
export async function startNatsServer(): Promise<NatsServer> {
  const dir = mkdtempSync(path.join(tmpdir(), 'mediaflow-bench-nats-'));
  const [port, monitorPort] = [await freePort(), await freePort()];
  const config = path.join(dir, 'nats.conf');
  writeFileSync(
    config,
    [
      `listen: 127.0.0.1:${port}`,
      `http: 127.0.0.1:${monitorPort}`,
      `jetstream { store_dir: "${path.join(dir, 'jetstream')}" }`,
    ].join('\n') + '\n',
  );
  const child = spawn('nats-server', ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const monitor = `http://127.0.0.1:${monitorPort}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`nats-server exited with ${child.exitCode}:\n${output}`);
    }
    const ok = await fetch(`${monitor}/healthz?js-enabled-only=true`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`nats-server was not ready within 15 s:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    pid: child.pid!,
    varz: async () => (await (await fetch(`${monitor}/varz`)).json()) as NatsVarz,
    stop,
  };
}
