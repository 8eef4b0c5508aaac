import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { freePort } from '@mediaflow/testing';
import { waitFor } from './bounded-wait';

/**
 * A nats-server with JetStream of the suite's own (never the machine's on
 * 4222), on free loopback ports, its store in the suite's temp dir, so
 * that the suite can kill -9 it and start it again on the same port with
 * the same streams.
 */
export class OwnNats {
  private server?: ChildProcess;
  private log = '';

  private constructor(
    private readonly binary: string,
    private readonly storeDir: string,
    readonly port: number,
    private readonly monitorPort: number,
  ) {}

  static async start(dir: string): Promise<OwnNats> {
    const nats = new OwnNats(
      natsServerBinary(),
      path.join(dir, 'jetstream'),
      await freePort(),
      await freePort(),
    );
    await nats.restart();
    return nats;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.log.slice(-4000);
  }

  /** Starts the server and waits until JetStream is up (its streams recovered from the store). */
  async restart(): Promise<void> {
    const server = spawn(
      this.binary,
      [
        '-a',
        '127.0.0.1',
        '-p',
        String(this.port),
        '-m',
        String(this.monitorPort),
        '-js',
        '-sd',
        this.storeDir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    server.stderr!.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-20_000);
    });
    this.server = server;
    await waitFor(`nats-server on port ${this.port}`, 30_000, async () => {
      if (server.exitCode !== null)
        throw new Error(`nats-server exited with ${server.exitCode}:\n${this.output()}`);
      return fetch(`http://127.0.0.1:${this.monitorPort}/healthz?js-enabled-only=true`).then(
        (res) => res.ok,
        () => false,
      );
    });
  }

  async kill(): Promise<void> {
    const server = this.server;
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
  }

  stop(): Promise<void> {
    return this.kill();
  }
}

function natsServerBinary(): string {
  const candidates = [
    process.env.NATS_SERVER_PATH,
    '/usr/sbin/nats-server',
    '/usr/bin/nats-server',
  ];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found)
    throw new Error(
      'nats-server is not installed: run sh scripts/setup.sh (Debian package nats-server), or set NATS_SERVER_PATH',
    );
  return found;
}
