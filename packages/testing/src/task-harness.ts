import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TaskDispatch, TaskEvent } from '@mediaflow/contracts';
import { JetStreamTaskTransport, type Stoppable } from '@mediaflow/messaging';
import { LocalStorage } from '@mediaflow/storage';
import type { RunningWorker } from '@mediaflow/worker-kit';
import { connect } from 'nats';
import { freePort } from './free-port';

export const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';

export type FinalTaskEvent = Extract<TaskEvent, { type: 'completed' | 'failed' }>;

/** Deletes the JetStream streams made under a NATS subject prefix (`<prefix>_…`), as a test's cleanup. */
export async function deleteTaskStreams(natsUrl: string, prefix: string): Promise<void> {
  const connection = await connect({ servers: natsUrl });
  try {
    const jsm = await connection.jetstreamManager();
    for await (const stream of jsm.streams.list()) {
      if (stream.config.name.startsWith(`${prefix}_`)) await jsm.streams.delete(stream.config.name);
    }
  } finally {
    await connection.close();
  }
}

/** Starts the worker under test from the environment the harness made for it. */
export type WorkerStarter = (env: Record<string, string>) => Promise<RunningWorker>;

/**
 * What an integration test needs around a worker: its own NATS subject
 * prefix and data directory, the worker itself, a transport to dispatch
 * with, the events, and the local storage the worker writes to.
 */
export class TaskHarness {
  readonly prefix = `t${randomBytes(6).toString('hex')}`;
  readonly dataDir = mkdtempSync(path.join(tmpdir(), 'worker-it-'));
  readonly storage = new LocalStorage(path.join(this.dataDir, 'files'));
  readonly events: TaskEvent[] = [];
  private transport?: JetStreamTaskTransport;
  private following?: Stoppable;
  private worker?: RunningWorker;

  /**
   * Sets up the streams, follows the events, then starts the worker with
   * NATS_URL, NATS_SUBJECT_PREFIX, MEDIAFLOW_DATA_DIR, HOST, PORT (free) and
   * LOG_LEVEL (silent).
   */
  async start(startWorker: WorkerStarter): Promise<RunningWorker> {
    this.transport = await JetStreamTaskTransport.connect({
      url: NATS_URL,
      name: 'worker-it',
      subjectPrefix: this.prefix,
    });
    await this.transport.setup();
    this.following = await this.transport.followEvents((event) => this.events.push(event));
    this.worker = await startWorker({
      NATS_URL,
      NATS_SUBJECT_PREFIX: this.prefix,
      MEDIAFLOW_DATA_DIR: this.dataDir,
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
      LOG_LEVEL: 'silent',
    });
    return this.worker;
  }

  /** Dispatches one attempt and resolves with its final event (completed or failed). */
  async run(dispatch: TaskDispatch, timeoutMs = 30_000): Promise<FinalTaskEvent> {
    if (!this.transport) throw new Error('TaskHarness.run before start');
    await this.transport.dispatch(dispatch);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const final = this.events.find(
        (e): e is FinalTaskEvent =>
          e.task_id === dispatch.task_id && (e.type === 'completed' || e.type === 'failed'),
      );
      if (final) return final;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(
      `no final event for ${dispatch.task_id} in ${timeoutMs} ms; saw ${JSON.stringify(this.events)}`,
    );
  }

  /** The event types one task went through, in order. */
  typesOf(taskId: string): string[] {
    return this.events.filter((e) => e.task_id === taskId).map((e) => e.type);
  }

  /** Closes the worker first (it may still be publishing), then the transport; removes streams and files. */
  async stop(): Promise<void> {
    await this.worker?.close();
    await this.following?.stop();
    await this.transport?.close();
    await deleteTaskStreams(NATS_URL, this.prefix);
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
