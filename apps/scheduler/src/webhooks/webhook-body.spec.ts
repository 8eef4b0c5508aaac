import type { StoredFile, TaskRecord } from '@mediaflow/contracts';
import { toWebhookBody } from './webhook-body';

const stored = (id: string, overrides: Partial<StoredFile> = {}): StoredFile => ({
  id,
  project_id: 'prj_aaaaaaaaaaaaaaaa',
  kind: 'image',
  mimetype: 'image/png',
  format: 'png',
  filename: 'out.png',
  ref: null,
  width: 32,
  height: 24,
  duration: null,
  fps: null,
  filesize: 999,
  has_audio: false,
  has_video: false,
  language: null,
  task_id: 'task_bbbbbbbbbbbbbbbb',
  storage_key: `projects/prj_aaaaaaaaaaaaaaaa/tasks/task_bbbbbbbbbbbbbbbb/1/${id}.png`,
  created_at: 1735689825,
  ...overrides,
});

const task = (overrides: Partial<TaskRecord>): TaskRecord => ({
  id: 'task_aaaaaaaaaaaaaaaa',
  object: 'task',
  kind: 'workflow',
  automation_id: null,
  parent_id: null,
  ref: null,
  input: null,
  options: {},
  status: 'completed',
  progress: 100,
  output: null,
  error: null,
  skip_reason: null,
  attempts: 0,
  attempt_history: [],
  created_at: 1,
  updated_at: 2,
  started_at: 1,
  finished_at: 2,
  webhook_url: 'https://example.com/hook',
  ...overrides,
});

describe('toWebhookBody', () => {
  const body = toWebhookBody(
    task({
      input: stored('file_source0000000000', { kind: 'video', task_id: 'task_ingest0000000000' }),
      workflow: [
        task({
          id: 'task_bbbbbbbbbbbbbbbb',
          kind: 'thumbnails',
          webhook_url: null,
          output: {
            ...stored('file_track00000000000', { kind: 'track' }),
            files: [stored('file_sprite0000000000')],
          },
          next: [
            task({
              id: 'task_cccccccccccccccc',
              kind: 'summary',
              webhook_url: null,
              output: { summary: 'hello', source: 'track' },
            }),
          ],
        }),
      ],
    }),
  );

  it('keeps the task object and its tree', () => {
    expect(body).toMatchObject({
      id: 'task_aaaaaaaaaaaaaaaa',
      object: 'task',
      status: 'completed',
      webhook_url: 'https://example.com/hook',
    });
    expect(body.workflow?.[0]?.next?.[0]?.id).toBe('task_cccccccccccccccc');
    expect(body.workflow?.[0]?.next?.[0]?.output).toEqual({ summary: 'hello', source: 'track' });
  });

  it('gives files as file objects without url, storage key or project', () => {
    expect(body.input).toEqual({
      id: 'file_source0000000000',
      object: 'file',
      kind: 'video',
      mimetype: 'image/png',
      format: 'png',
      filename: 'out.png',
      ref: null,
      width: 32,
      height: 24,
      duration: null,
      fps: null,
      filesize: 999,
      has_audio: false,
      has_video: false,
      language: null,
      task_id: 'task_ingest0000000000',
      created_at: 1735689825,
    });
    const output = body.workflow![0]!.output as Record<string, unknown> & {
      files: Record<string, unknown>[];
    };
    expect(output).toMatchObject({ id: 'file_track00000000000', object: 'file', kind: 'track' });
    expect(output.files).toEqual([
      expect.objectContaining({ id: 'file_sprite0000000000', object: 'file' }),
    ]);
    const text = JSON.stringify(body);
    expect(text).not.toContain('storage_key');
    expect(text).not.toContain('project_id');
    expect(text).not.toContain('prj_');
  });

  it('says why a run failed, counts its steps, and says why a step was skipped', () => {
    const skipReason = {
      code: 'upstream_failed' as const,
      message: 'video "web" failed (input_unreadable), so this step got no input',
    };
    const failed = toWebhookBody(
      task({
        status: 'failed',
        error: {
          code: 'input_unreadable',
          message: 'The video could not be read',
          step: { id: 'task_bbbbbbbbbbbbbbbb', ref: 'web', kind: 'video' },
        },
        steps_summary: {
          pending: 0,
          waiting: 0,
          processing: 0,
          completed: 0,
          failed: 1,
          skipped: 1,
          cancelled: 0,
        },
        workflow: [
          task({
            id: 'task_bbbbbbbbbbbbbbbb',
            kind: 'video',
            ref: 'web',
            status: 'failed',
            next: [
              task({
                id: 'task_cccccccccccccccc',
                kind: 'thumbnails',
                status: 'skipped',
                skip_reason: skipReason,
              }),
            ],
          }),
        ],
      }),
    );
    expect(failed.error?.step).toEqual({ id: 'task_bbbbbbbbbbbbbbbb', ref: 'web', kind: 'video' });
    expect(failed.steps_summary).toMatchObject({ failed: 1, skipped: 1 });
    expect(failed.workflow?.[0]?.next?.[0]?.skip_reason).toEqual(skipReason);
  });

  it('adds no keys a task does not have', () => {
    const leaf = toWebhookBody(task({ kind: 'image' }));
    expect(Object.keys(leaf)).not.toEqual(expect.arrayContaining(['workflow']));
    expect('next' in leaf || 'else' in leaf || 'workflow' in leaf).toBe(false);
  });
});
