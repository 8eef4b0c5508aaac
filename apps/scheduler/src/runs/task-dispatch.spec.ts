import { TaskDispatchSchema } from '@mediaflow/contracts';
import { PROJECT, fileRow, taskRow } from '../../test/fixtures/rows';
import { buildTaskDispatch } from './task-dispatch';

const TASK = 'task_step000000000000';
const INPUT = 'file_input00000000000';

describe('buildTaskDispatch', () => {
  it('sends a step its options, ref, attempt and input file record', () => {
    const row = taskRow({
      id: TASK,
      run_id: 'task_run0000000000000',
      kind: 'image',
      ref: 'small',
      options: { width: 320 },
      attempt: 2,
      input_file_id: INPUT,
    });
    const dispatch = buildTaskDispatch(row, fileRow({ id: INPUT, filesize: '2048' }));
    expect(dispatch).toEqual({
      v: 1,
      task_id: TASK,
      attempt: 2,
      project_id: PROJECT,
      kind: 'image',
      options: { width: 320 },
      ref: 'small',
      input: expect.objectContaining({
        id: INPUT,
        filesize: 2048,
        storage_key: `projects/${PROJECT}/files/${INPUT}/photo.jpg`,
        created_at: 1735689825,
      }),
      source_url: null,
      // The image kind's floor: an image has no duration to scale it.
      timeout_ms: 240_000,
    });
    expect(TaskDispatchSchema.parse(dispatch)).toEqual(dispatch);
  });

  it.each([
    ['a 10 min H.264 transcode', 'video', {}, 600, 720_000],
    ['the first minute of it in AV1', 'video', { codec: 'av1', end: 60 }, 600, 480_000],
    ['a transcript of an hour', 'speech', {}, 3600, 2_880_000],
  ])(
    "sends %s the time budget its input's duration gives it",
    (_name, kind, options, duration, timeoutMs) => {
      const row = taskRow({
        id: TASK,
        run_id: 'task_run0000000000000',
        kind: kind as 'video',
        options,
        attempt: 1,
        input_file_id: INPUT,
      });
      const video = fileRow({ id: INPUT, kind: 'video', duration, has_audio: true });
      const dispatch = buildTaskDispatch(row, video);
      expect(dispatch.timeout_ms).toBe(timeoutMs);
      expect(TaskDispatchSchema.parse(dispatch)).toEqual(dispatch);
    },
  );

  it('sends no time budget for an input of unknown length: the worker’s own limit applies', () => {
    const row = taskRow({
      id: TASK,
      run_id: 'task_run0000000000000',
      kind: 'audio',
      attempt: 1,
      input_file_id: INPUT,
    });
    const dispatch = buildTaskDispatch(
      row,
      fileRow({ id: INPUT, kind: 'audio', duration: null, has_audio: true }),
    );
    expect(dispatch).not.toHaveProperty('timeout_ms');
  });

  it('sends an ingest its URL and no input', () => {
    const row = taskRow({
      id: TASK,
      run_id: 'task_run0000000000000',
      kind: 'ingest',
      ref: 'source',
      attempt: 1,
      source_url: 'https://example.com/a.jpg',
    });
    const dispatch = buildTaskDispatch(row, undefined);
    expect(dispatch).toMatchObject({
      kind: 'ingest',
      ref: 'source',
      input: null,
      source_url: 'https://example.com/a.jpg',
      source_key: null,
      attempt: 1,
    });
    // Its input is a download of unknown length: the worker's own limit applies.
    expect(dispatch).not.toHaveProperty('timeout_ms');
    expect(TaskDispatchSchema.parse(dispatch)).toEqual(dispatch);
  });

  it('sends a standalone ingest of an upload its staged key and the name the client gave it', () => {
    const key = `projects/${PROJECT}/files/file_staged0000000000/upload`;
    const row = taskRow({
      id: TASK,
      run_id: TASK,
      kind: 'ingest',
      attempt: 1,
      source_key: key,
      source_filename: 'Holiday.MOV',
    });
    const dispatch = buildTaskDispatch(row, undefined);
    expect(dispatch).toMatchObject({
      kind: 'ingest',
      ref: null,
      input: null,
      source_url: null,
      source_key: key,
      source_filename: 'Holiday.MOV',
    });
    expect(TaskDispatchSchema.parse(dispatch)).toEqual(dispatch);
  });

  it.each([
    ['a run', { kind: 'workflow' as const, attempt: 1 }, /never dispatched/],
    ['a conditions step', { kind: 'conditions' as const, attempt: 1 }, /never dispatched/],
    ['a task before its first attempt', { attempt: 0, input_file_id: INPUT }, /no attempt/],
    [
      'an ingest without a URL or an upload',
      { kind: 'ingest' as const, attempt: 1 },
      /either a source URL or a staged upload/,
    ],
    [
      'an ingest with both a URL and an upload',
      {
        kind: 'ingest' as const,
        attempt: 1,
        source_url: 'https://example.com/a.jpg',
        source_key: 'projects/x/files/y/upload',
      },
      /either a source URL or a staged upload/,
    ],
    ['a step without its input', { attempt: 1, input_file_id: INPUT }, /without its input/],
  ])('refuses %s', (_name, overrides, message) => {
    const input =
      'input_file_id' in overrides && overrides.attempt === 0 ? fileRow({ id: INPUT }) : undefined;
    expect(() =>
      buildTaskDispatch(taskRow({ id: TASK, run_id: TASK, ...overrides }), input),
    ).toThrow(message);
  });
});
