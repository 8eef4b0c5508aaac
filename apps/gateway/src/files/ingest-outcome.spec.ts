import {
  ERROR_STATUS,
  MediaflowError,
  type StoredFile,
  type TaskRecord,
} from '@mediaflow/contracts';
import { ingestAnswer } from './ingest-outcome';

const PROJECT = 'prj_aaaaaaaaaaaaaaaa';
const TASK = 'task_bbbbbbbbbbbbbbbb';

const stored: StoredFile = {
  id: 'file_cccccccccccccccc',
  project_id: PROJECT,
  kind: 'image',
  mimetype: 'image/jpeg',
  format: 'jpeg',
  filename: 'photo.jpg',
  ref: null,
  width: 640,
  height: 480,
  duration: null,
  fps: null,
  filesize: 1234,
  has_audio: false,
  has_video: false,
  language: null,
  task_id: TASK,
  storage_key: `projects/${PROJECT}/tasks/${TASK}/1/photo.jpg`,
  created_at: 1735689825,
};

function ingest(changes: Partial<TaskRecord>): TaskRecord {
  return {
    id: TASK,
    object: 'task',
    kind: 'ingest',
    automation_id: null,
    parent_id: null,
    ref: null,
    input: null,
    options: {},
    status: 'pending',
    progress: 0,
    output: null,
    error: null,
    attempts: 1,
    created_at: 1735689825,
    updated_at: 1735689825,
    started_at: null,
    finished_at: null,
    webhook_url: null,
    ...changes,
  };
}

const urlOf = (file: StoredFile) => `https://media.test/files/${file.id}/content?signed`;

function thrown(task: TaskRecord): MediaflowError {
  try {
    ingestAnswer(task, urlOf);
  } catch (error) {
    if (error instanceof MediaflowError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('ingestAnswer', () => {
  it('answers 201 with the stored file, signed and without its storage key, once the ingest completed', () => {
    const answer = ingestAnswer(
      ingest({ status: 'completed', progress: 100, output: stored }),
      urlOf,
    );
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({
      id: stored.id,
      object: 'file',
      width: 640,
      task_id: TASK,
      url: urlOf(stored),
    });
    expect(answer.body).not.toHaveProperty('storage_key');
    expect(answer.body).not.toHaveProperty('project_id');
  });

  it.each(['pending', 'waiting', 'processing'] as const)(
    'answers 202 with the ingest task while it is %s',
    (status) => {
      const answer = ingestAnswer(ingest({ status, progress: 40 }), urlOf);
      expect(answer).toEqual({
        status: 202,
        body: expect.objectContaining({
          id: TASK,
          object: 'task',
          kind: 'ingest',
          status,
          progress: 40,
        }),
      });
    },
  );

  it.each([
    ['input_unreadable', 422],
    ['input_forbidden', 422],
    ['input_too_large', 422],
    ['input_unreachable', 422],
    ['timeout', 504],
    ['internal', 500],
  ] as const)('fails with the ingest error %s, whose status is %i', (code, status) => {
    const error = thrown(
      ingest({ status: 'failed', error: { code, message: `the ${code} message` } }),
    );
    expect(error).toMatchObject({ code, message: `the ${code} message` });
    expect(error.status).toBe(status);
    expect(ERROR_STATUS[code]).toBe(status);
  });

  it('fails as cancelled when the ingest was cancelled', () => {
    const error = thrown(
      ingest({
        status: 'cancelled',
        error: { code: 'cancelled', message: 'The task was cancelled' },
      }),
    );
    expect(error).toMatchObject({ code: 'cancelled', status: 409 });
    expect(thrown(ingest({ status: 'cancelled' }))).toMatchObject({ code: 'cancelled' });
  });

  it('is an internal error when the ingest completed without a file', () => {
    expect(thrown(ingest({ status: 'completed', output: null }))).toMatchObject({
      code: 'internal',
    });
    expect(thrown(ingest({ status: 'completed', output: { summary: 'data' } }))).toMatchObject({
      code: 'internal',
    });
  });
});
