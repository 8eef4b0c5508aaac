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
    });
    expect(TaskDispatchSchema.parse(dispatch)).toEqual(dispatch);
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
