import { ERROR_STATUS, MediaflowError, type TaskRecord } from '@mediaflow/contracts';
import { storedFile } from '../../test/stored-file';
import { ingestOutcome } from './ingest-outcome';

const TASK = 'task_bbbbbbbbbbbbbbbb';

const stored = storedFile('file_cccccccccccccccc', { task_id: TASK });

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
    skip_reason: null,
    attempts: 1,
    attempt_history: [],
    created_at: 1735689825,
    updated_at: 1735689825,
    started_at: null,
    finished_at: null,
    webhook_url: null,
    ...changes,
  };
}

function thrown(task: TaskRecord): MediaflowError {
  try {
    ingestOutcome(task);
  } catch (error) {
    if (error instanceof MediaflowError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('ingestOutcome', () => {
  it('is the stored file once the ingest completed', () => {
    expect(ingestOutcome(ingest({ status: 'completed', progress: 100, output: stored }))).toEqual({
      stored,
    });
  });

  it.each(['pending', 'waiting', 'processing'] as const)(
    'is the ingest task while it is %s',
    (status) => {
      const task = ingest({ status, progress: 40 });
      expect(ingestOutcome(task)).toEqual({ running: task });
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
