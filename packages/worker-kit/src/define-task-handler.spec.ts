import {
  TASK_KINDS,
  type StoredFile,
  type TaskDispatch,
  type TaskKind,
} from '@mediaflow/contracts';
import { defineTaskHandler, type KindTaskContext } from './define-task-handler';
import type { TaskContext } from './task-handler';

/** Only its presence matters to the checks; the handlers below read its kind. */
const FILE = { kind: 'video', filename: 'clip.mp4' } as StoredFile;

function context(
  kind: TaskKind,
  options: Record<string, unknown>,
  input: { file: StoredFile | null; path: string | null } = { file: FILE, path: '/w/in' },
  task: Partial<TaskDispatch> = {},
): TaskContext {
  // What the checks read of a dispatch; its ids and attempt do not matter to them.
  const dispatch = { kind, options, input: input.file, source_url: null, ...task } as TaskDispatch;
  return {
    task: dispatch,
    inputPath: input.path,
    workDir: '/w',
    signal: new AbortController().signal,
    progress: () => undefined,
  };
}

describe('defineTaskHandler', () => {
  afterEach(() => jest.restoreAllMocks());

  it('parses the options once with the kind’s schema and hands them over typed, with the input', async () => {
    const safeParse = jest.spyOn(TASK_KINDS.image.options, 'safeParse');
    let given: KindTaskContext<'image'> | undefined;
    const handler = defineTaskHandler('image', async (ctx) => {
      given = ctx;
      // Typed from the declaration: a width is a number, the input a file.
      const width: number | undefined = ctx.options.width;
      const kind: StoredFile['kind'] = ctx.input.kind;
      const inputPath: string = ctx.inputPath;
      return { data: { width, kind, inputPath } };
    });
    const ctx = context('image', { width: 100, format: 'webp' });
    await expect(handler(ctx)).resolves.toEqual({
      data: { width: 100, kind: 'video', inputPath: '/w/in' },
    });
    expect(safeParse).toHaveBeenCalledTimes(1);
    expect(given).toMatchObject({
      task: ctx.task,
      input: FILE,
      inputPath: '/w/in',
      workDir: '/w',
      signal: ctx.signal,
      progress: ctx.progress,
      options: { width: 100, format: 'webp' },
    });
    expect(handler.kind).toBe('image');
  });

  it('fails options the schema refuses with internal, without running the handler', async () => {
    const run = jest.fn();
    const handler = defineTaskHandler('nsfw', run);
    await expect(handler(context('nsfw', { frames: 0 }))).rejects.toMatchObject({
      code: 'internal',
      message: expect.stringMatching(/^The nsfw task's options are invalid: /),
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('fails them with validation_failed and a detail per issue when the kind refuses them as the API does', () => {
    const handler = defineTaskHandler('video', { invalidOptions: 'validation_failed' }, jest.fn());
    expect(() => handler.parse(context('video', { width: 10, bitrate: 1 }))).toThrow(
      expect.objectContaining({
        code: 'validation_failed',
        message: 'The video options are invalid',
        details: expect.arrayContaining([
          { path: 'options.width', message: expect.any(String) },
          { path: 'options', message: expect.stringContaining('bitrate') },
        ]),
      }),
    );
  });

  it.each([
    ['video', 'A video task came without an input file'],
    ['audio', 'An audio task came without an input file'],
    ['nsfw', 'An nsfw task came without an input file'],
    ['summary', 'A summary task came without an input file'],
  ] as const)('fails %s without an input file with internal', async (kind, message) => {
    const run = jest.fn();
    const handler = defineTaskHandler(kind, run);
    await expect(handler(context(kind, {}, { file: null, path: null }))).rejects.toMatchObject({
      code: 'internal',
      message,
    });
    await expect(handler(context(kind, {}, { file: FILE, path: null }))).rejects.toMatchObject({
      code: 'internal',
      message,
    });
    expect(run).not.toHaveBeenCalled();
  });

  it('runs ingest, which takes no input file, with its source and the staged upload’s path if any', async () => {
    const handler = defineTaskHandler('ingest', async (ctx) => {
      // @ts-expect-error ingest has no input file
      void ctx.input;
      const inputPath: string | null = ctx.inputPath;
      return { data: { inputPath, url: ctx.task.source_url } };
    });
    const none = { file: null, path: null };
    await expect(
      handler(context('ingest', {}, none, { source_url: 'https://example.com/a.mp4' })),
    ).resolves.toEqual({ data: { inputPath: null, url: 'https://example.com/a.mp4' } });
    await expect(
      handler(context('ingest', {}, { file: null, path: '/w/upload' }, { source_key: 'k' })),
    ).resolves.toEqual({ data: { inputPath: '/w/upload', url: null } });
    await expect(handler(context('ingest', { extra: 1 }, none))).rejects.toMatchObject({
      code: 'internal',
    });
  });
});
