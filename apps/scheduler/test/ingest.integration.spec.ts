import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { newId, schedulerRpc, type StoredFile, type TaskRecord } from '@mediaflow/contracts';
import { uploadKey } from '@mediaflow/storage';
import { FAILS_ONCE, Gate } from './support/fake-worker';
import { Harness, failure, until } from './support/harness';

// Standalone ingests (POST /files) against the real PostgreSQL and NATS
// JetStream; the test plays the gateway (staging uploads in the real
// storage) and the workers (through the real transport).
jest.setTimeout(60_000);

let h: Harness;

beforeAll(async () => {
  h = await Harness.start();
});

afterAll(async () => {
  await h?.stop();
});

/** Stages bytes as the gateway does: under one of the project's upload keys. */
async function stage(project: string, bytes: string): Promise<string> {
  const key = uploadKey(project, newId('file'), 'upload');
  await h.storage.put(key, Readable.from([Buffer.from(bytes)]));
  return key;
}

function ingestUpload(project: string, key: string, filename: string | null) {
  return h.request(schedulerRpc.createIngest, {
    project_id: project,
    source: { staged_key: key },
    filename,
  });
}

const stagedGone = (key: string) =>
  until(async () => (await h.storage.stat(key)) === null, `the staged upload ${key} to be deleted`);

describe('an ingest of a staged upload', () => {
  const project = newId('prj');
  let key: string;
  let created: TaskRecord;
  let done: TaskRecord;

  beforeAll(async () => {
    key = await stage(project, 'the uploaded bytes\n');
    created = await ingestUpload(project, key, 'clip.mp4');
    done = await h.waitForTask(project, created.id);
  });

  it('is a task of its own: kind ingest, no parent, no ref, dispatched at once', () => {
    expect(created).toMatchObject({
      object: 'task',
      kind: 'ingest',
      parent_id: null,
      ref: null,
      automation_id: null,
      input: null,
      status: 'pending',
      attempts: 1,
    });
    expect(created.workflow).toBeUndefined();
    const [dispatch] = h.worker.dispatchesOf(created.id);
    expect(dispatch).toMatchObject({
      kind: 'ingest',
      attempt: 1,
      input: null,
      source_url: null,
      source_key: key,
      source_filename: 'clip.mp4',
      ref: null,
    });
  });

  it('completes with the stored file as its output, recorded in the project', async () => {
    expect(done).toMatchObject({ status: 'completed', progress: 100, error: null, attempts: 1 });
    const file = done.output as StoredFile;
    expect(file).toMatchObject({
      kind: 'video',
      filename: 'clip.mp4',
      width: 1280,
      height: 720,
      task_id: created.id,
      ref: null,
      project_id: project,
    });
    expect(await h.request(schedulerRpc.getFile, { project_id: project, id: file.id })).toEqual({
      ...file,
      triggered_runs: [],
    });
    // The runner stores it under the attempt's own key, not the staged one.
    expect(file.storage_key).toBe(`projects/${project}/tasks/${created.id}/1/clip.mp4`);
    expect(await text((await h.storage.get(file.storage_key)).stream)).toBe('the uploaded bytes\n');
    const listed = await h.request(schedulerRpc.listTasks, {
      project_id: project,
      query: { kind: 'ingest' },
    });
    expect(listed.data.map((t) => t.id)).toEqual([created.id]);
  });

  it('deletes the staged upload once the ingest has ended', async () => {
    await stagedGone(key);
    expect(await h.storage.stat((done.output as StoredFile).storage_key)).not.toBeNull();
  });
});

describe('the staged upload', () => {
  it('is deleted when the ingest fails for good, and no file is recorded', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('notes.txt', {
      type: 'fail',
      code: 'input_unreadable',
      retryable: false,
    });
    const key = await stage(project, 'not media');
    const done = await h.waitForTask(project, (await ingestUpload(project, key, 'notes.txt')).id);
    expect(done).toMatchObject({
      status: 'failed',
      output: null,
      error: { code: 'input_unreadable' },
    });
    await stagedGone(key);
    expect(
      (await h.request(schedulerRpc.listFiles, { project_id: project, query: {} })).meta.total,
    ).toBe(0);
  });

  it('stays through a retried attempt, which stores it, and goes once the ingest completes', async () => {
    const project = newId('prj');
    h.worker.behaviours.set('narrow.png', FAILS_ONCE);
    const key = await stage(project, 'a png, say');
    const done = await h.waitForTask(project, (await ingestUpload(project, key, 'narrow.png')).id);
    // The second attempt read the staged bytes: they were still there after the first failed.
    expect(done).toMatchObject({
      status: 'completed',
      attempts: 2,
      output: { kind: 'image', width: 800 },
    });
    expect(await text((await h.storage.get((done.output as StoredFile).storage_key)).stream)).toBe(
      'a png, say',
    );
    await stagedGone(key);
  });

  it('is deleted when the ingest is cancelled, and the worker is told to stop', async () => {
    const project = newId('prj');
    const gate = new Gate();
    h.worker.behaviours.set('wide.jpg', { type: 'hold', gate });
    try {
      const key = await stage(project, 'big picture');
      const created = await ingestUpload(project, key, 'wide.jpg');
      await h.waitForTask(project, created.id, (t) => t.status === 'processing');
      const cancelled = await h.request(schedulerRpc.cancelTask, {
        project_id: project,
        id: created.id,
      });
      expect(cancelled).toMatchObject({
        id: created.id,
        kind: 'ingest',
        status: 'cancelled',
        error: { code: 'cancelled' },
      });
      await until(() => h.worker.cancelled.includes(created.id), 'the cancel broadcast');
      await stagedGone(key);
      // The worker carries on regardless and finds its source gone: its late word changes nothing.
      gate.release();
      await until(
        () => h.worker.published.some((e) => e.task_id === created.id && e.type === 'failed'),
        'the late failure',
      );
      await h.eventsHandled();
      expect(
        (await h.request(schedulerRpc.getTask, { project_id: project, id: created.id })).status,
      ).toBe('cancelled');
      expect(
        (await h.request(schedulerRpc.listFiles, { project_id: project, query: {} })).meta.total,
      ).toBe(0);
    } finally {
      h.worker.behaviours.delete('wide.jpg');
      gate.release();
    }
  });

  it("must be one of the project's upload keys: anything else is refused and left alone", async () => {
    const project = newId('prj');
    const other = await stage(newId('prj'), 'someone else');
    const output = `projects/${project}/tasks/${newId('task')}/1/out.jpg`;
    for (const key of [other, output, 'files/../../etc/passwd']) {
      const refused = await failure(ingestUpload(project, key, null));
      expect(refused).toMatchObject({
        code: 'validation_failed',
        details: [{ path: 'source.staged_key' }],
      });
    }
    expect(await h.storage.stat(other)).not.toBeNull();
    expect(
      (await h.request(schedulerRpc.listTasks, { project_id: project, query: {} })).meta.total,
    ).toBe(0);
  });
});

describe('an ingest of a URL', () => {
  it('sends the worker the URL and the name the client gave, and completes with the file', async () => {
    const project = newId('prj');
    const created = await h.request(schedulerRpc.createIngest, {
      project_id: project,
      source: { url: 'https://media.example/wide.jpg' },
      filename: 'holiday.jpg',
    });
    const done = await h.waitForTask(project, created.id);
    expect(done).toMatchObject({
      kind: 'ingest',
      status: 'completed',
      output: { kind: 'image', width: 4000, height: 3000 },
    });
    expect(h.worker.dispatchesOf(created.id)[0]).toMatchObject({
      source_url: 'https://media.example/wide.jpg',
      source_key: null,
      source_filename: 'holiday.jpg',
    });
  });
});
