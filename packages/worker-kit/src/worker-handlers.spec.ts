import { TASK_KIND_NAMES, TASK_KINDS, type TaskKind } from '@mediaflow/contracts';
import { defineTaskHandler, type KindTaskHandler } from './define-task-handler';
import {
  kindsOfWorker,
  workerHandlers,
  type TaskWorkerName,
  type WorkerHandlers,
} from './worker-handlers';

const handler = <K extends TaskKind>(kind: K) => defineTaskHandler(kind, async () => ({}));
const WORKERS: TaskWorkerName[] = ['video', 'image', 'subtitles', 'summary'];

describe('workerHandlers', () => {
  it('gives every kind to the one worker its declaration names', () => {
    const given = WORKERS.flatMap((worker) => kindsOfWorker(worker));
    expect([...given].sort()).toEqual([...TASK_KIND_NAMES].sort());
    for (const worker of WORKERS) {
      for (const kind of kindsOfWorker(worker)) expect(TASK_KINDS[kind].worker).toBe(worker);
    }
  });

  it('takes a handler for exactly the kinds declared for the worker', () => {
    const handlers = { image: handler('image'), nsfw: handler('nsfw') };
    expect(workerHandlers('image', handlers)).toBe(handlers);
  });

  it('refuses, at compile time and at start, a missing kind, another worker’s kind and a handler of another kind', () => {
    // @ts-expect-error nsfw is missing
    expect(() => workerHandlers('image', { image: handler('image') })).toThrow(
      "The image worker's handlers do not match contracts: no handler for nsfw",
    );
    expect(() =>
      workerHandlers('summary', {
        summary: handler('summary'),
        // @ts-expect-error speech is the subtitles worker's
        speech: handler('speech'),
      }),
    ).toThrow(
      "The summary worker's handlers do not match contracts: speech is not declared for it",
    );
    expect(() =>
      workerHandlers('subtitles', {
        speech: handler('speech'),
        // @ts-expect-error a speech handler under subtitles
        subtitles: handler('speech'),
      }),
    ).toThrow(
      "The subtitles worker's handlers do not match contracts: the subtitles handler is the speech kind's",
    );
  });

  it('types the map by kind', () => {
    const handlers: WorkerHandlers<'summary'> = { summary: handler('summary') };
    const summary: KindTaskHandler<'summary'> = handlers.summary;
    expect(summary.kind).toBe('summary');
  });
});
