import { Readable } from 'node:stream';
import {
  TASK_KIND_NAMES,
  TASK_MESSAGE_VERSION,
  newId,
  type MediaProperties,
  type ProducedFile,
  type TaskDispatch,
  type TaskEvent,
  type TaskResult,
} from '@mediaflow/contracts';
import type { Stoppable, TaskTransport } from '@mediaflow/messaging';
import { StorageNotFoundError, outputKey, type Storage } from '@mediaflow/storage';

/** What the worker does with a task (by its ref, or for an ingest by the source's file name, or the name an upload was given). */
export type Behaviour =
  | { type: 'complete' }
  /** Fails the first `times` attempts (every one when omitted), then completes; with `progress`, reports it first. */
  | {
      type: 'fail';
      code: 'input_unreadable' | 'provider_unavailable';
      retryable: boolean;
      times?: number;
      progress?: number;
    }
  /** Takes the first `times` attempts and never says a word, as a worker that hung or lost them would. */
  | { type: 'silent'; times?: number }
  /** Completes, then publishes the same completed event again. */
  | { type: 'duplicate' }
  /**
   * Starts, keeps reporting progress (`progress`, by default 10), and
   * completes only when released (or cancelled: then it completes anyway, late).
   */
  | { type: 'hold'; gate: Gate; progress?: number };

/** A provider down for the first attempt: failed, worth another, which completes. */
export const FAILS_ONCE: Behaviour = {
  type: 'fail',
  code: 'provider_unavailable',
  retryable: true,
  times: 1,
};

export class Gate {
  private opened!: () => void;
  readonly open = new Promise<void>((resolve) => (this.opened = resolve));
  release(): void {
    this.opened();
  }
}

/** Sources the fake ingest knows, by file name: what it "downloaded". */
const SOURCES: Record<string, Omit<MediaProperties, 'filesize'>> = {
  'wide.jpg': image('jpeg', 4000, 3000),
  'narrow.png': image('png', 800, 600),
  'clip.mp4': {
    kind: 'video',
    mimetype: 'video/mp4',
    format: 'mp4',
    width: 1280,
    height: 720,
    duration: 10,
    fps: 30,
    has_audio: true,
    has_video: true,
    language: null,
  },
};

function image(format: string, width: number, height: number): Omit<MediaProperties, 'filesize'> {
  return {
    kind: 'image',
    mimetype: `image/${format}`,
    format,
    width,
    height,
    duration: null,
    fps: null,
    has_audio: false,
    has_video: false,
    language: null,
  };
}

/** How the fake worker pulls: its slots per kind, and how long each task takes. */
export interface FakeWorkerOptions {
  slots?: number;
  workMs?: number;
}

/**
 * Plays the workers' part through the real transport: pulls every kind,
 * stores made-up outputs in the real storage under the attempt's keys, and
 * reports started / progress / completed / failed as a worker does.
 */
export class FakeWorker {
  readonly received: TaskDispatch[] = [];
  readonly cancelled: string[] = [];
  /** Every event it published, in order. */
  readonly published: TaskEvent[] = [];
  readonly behaviours = new Map<string, Behaviour>();
  private readonly attemptsSeen = new Map<string, number>();
  private stoppables: Stoppable[] = [];

  constructor(
    private readonly transport: TaskTransport,
    private readonly storage: Storage,
    private readonly options: FakeWorkerOptions = {},
  ) {}

  async start(): Promise<void> {
    this.stoppables.push(
      await this.transport.consumeWork(
        Object.fromEntries(TASK_KIND_NAMES.map((kind) => [kind, this.options.slots ?? 16])),
        (dispatch, control) => this.work(dispatch, control),
      ),
      await this.transport.onCancel((cancel) => this.cancelled.push(cancel.task_id)),
    );
  }

  async stop(): Promise<void> {
    await Promise.all(this.stoppables.map((s) => s.stop()));
  }

  dispatchesOf(taskId: string): TaskDispatch[] {
    return this.received.filter((d) => d.task_id === taskId);
  }

  private behaviourOf(dispatch: TaskDispatch): Behaviour {
    const key = dispatch.kind === 'ingest' ? sourceName(dispatch) : (dispatch.ref ?? '');
    return this.behaviours.get(key) ?? { type: 'complete' };
  }

  private async work(
    dispatch: TaskDispatch,
    control: { ack(): void; working(): void },
  ): Promise<void> {
    this.received.push(dispatch);
    const behaviour = this.behaviourOf(dispatch);
    const seen = (this.attemptsSeen.get(dispatch.task_id) ?? 0) + 1;
    this.attemptsSeen.set(dispatch.task_id, seen);
    const within = (times?: number) => times === undefined || seen <= times;

    if (behaviour.type === 'silent' && within(behaviour.times)) {
      control.ack();
      return;
    }
    await this.publish(dispatch, { type: 'started' });
    if (behaviour.type === 'fail' && within(behaviour.times)) {
      if (behaviour.progress !== undefined)
        await this.publish(dispatch, { type: 'progress', progress: behaviour.progress });
      await this.publish(dispatch, {
        type: 'failed',
        error: { code: behaviour.code, message: `simulated ${behaviour.code}` },
        retryable: behaviour.retryable,
      });
      control.ack();
      return;
    }
    if (behaviour.type === 'hold') {
      // Alive and busy: progress now and then, as a long ffmpeg run reports.
      const beat = setInterval(() => {
        control.working();
        void this.publish(dispatch, { type: 'progress', progress: behaviour.progress ?? 10 }).catch(
          () => undefined,
        );
      }, 300);
      await behaviour.gate.open;
      clearInterval(beat);
    } else {
      await this.publish(dispatch, { type: 'progress', progress: 50 });
      if (this.options.workMs)
        await new Promise((resolve) => setTimeout(resolve, this.options.workMs));
    }
    let result: TaskResult;
    try {
      result = await this.result(dispatch);
    } catch (error) {
      // As the real runner fails when an input (or a staged upload) is gone from storage.
      if (!(error instanceof StorageNotFoundError)) throw error;
      await this.publish(dispatch, {
        type: 'failed',
        error: { code: 'input_unreadable', message: error.message },
        retryable: false,
      });
      control.ack();
      return;
    }
    await this.publish(dispatch, { type: 'completed', result });
    if (behaviour.type === 'duplicate') await this.publish(dispatch, { type: 'completed', result });
    control.ack();
  }

  private async publish(
    dispatch: TaskDispatch,
    event:
      | { type: 'started' }
      | { type: 'progress'; progress: number }
      | { type: 'completed'; result: TaskResult }
      | {
          type: 'failed';
          error: { code: 'input_unreadable' | 'provider_unavailable'; message: string };
          retryable: boolean;
        },
  ): Promise<void> {
    const message = {
      v: TASK_MESSAGE_VERSION,
      task_id: dispatch.task_id,
      attempt: dispatch.attempt,
      kind: dispatch.kind,
      at: Date.now(),
      ...event,
    } as TaskEvent;
    await this.transport.publishEvent(message);
    this.published.push(message);
  }

  private async result(dispatch: TaskDispatch): Promise<TaskResult> {
    switch (dispatch.kind) {
      case 'ingest': {
        const name = sourceName(dispatch);
        const source = SOURCES[name];
        if (!source) throw new Error(`the fake ingest knows no ${name}`);
        // An upload: its staged bytes are what is stored, as the real runner fetches them.
        const body = dispatch.source_key
          ? (await this.storage.get(dispatch.source_key)).stream
          : undefined;
        return { file: await this.store(dispatch, name, source, body) };
      }
      case 'image': {
        const input = dispatch.input!;
        const width = Number(dispatch.options.width ?? input.width);
        const height = Number(
          dispatch.options.height ?? Math.round((input.height! * width) / input.width!),
        );
        const format = String(
          dispatch.options.format ?? (input.kind === 'image' ? input.format : 'jpeg'),
        );
        return {
          file: await this.store(
            dispatch,
            `${dispatch.ref ?? 'image'}.${format}`,
            image(format, width, height),
          ),
        };
      }
      case 'thumbnails': {
        const track = await this.store(dispatch, 'thumbnails.vtt', {
          ...image('vtt', 0, 0),
          kind: 'track',
          mimetype: 'text/vtt',
          width: null,
          height: null,
        });
        const sprite = await this.store(dispatch, 'sprite.jpg', image('jpeg', 800, 450));
        return { file: track, linked_files: [sprite] };
      }
      case 'summary':
        return {
          data: {
            summary: `A summary of ${dispatch.input?.id}.`,
            source: 'properties',
            provider: 'fake',
          },
        };
      case 'nsfw':
        return { data: { nsfw: false, confidence: 0.97 } };
      default:
        throw new Error(`the fake worker does not do ${dispatch.kind}`);
    }
  }

  private async store(
    dispatch: TaskDispatch,
    filename: string,
    properties: Omit<MediaProperties, 'filesize'>,
    body: Readable = Readable.from([
      Buffer.from(`${dispatch.kind} output of ${dispatch.task_id}\n`),
    ]),
  ): Promise<ProducedFile> {
    const key = outputKey(dispatch.project_id, dispatch.task_id, dispatch.attempt, filename);
    const { size } = await this.storage.put(key, body);
    return { id: newId('file'), filename, storage_key: key, ...properties, filesize: size };
  }
}

/** An ingest's source by name: the URL's last segment, or the name an upload was given. */
function sourceName(dispatch: TaskDispatch): string {
  return dispatch.source_key
    ? (dispatch.source_filename ?? '')
    : (dispatch.source_url ?? '').split('/').pop()!;
}
