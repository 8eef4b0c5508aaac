import { newId, schedulerRpc, type StoredFile, type TaskRecord } from '@mediaflow/contracts';
import { Harness, sleep, stepsOf } from './support/harness';

// The scheduler against the real PostgreSQL and NATS JetStream: a step whose
// input is too long for its worker's time limit fails at once, never dispatched.
jest.setTimeout(60_000);

const SUMMARY_LIMIT_MS = 300_000;
let h: Harness;

beforeAll(async () => {
  // As the chart's summary worker runs: five minutes a task. The other workers keep the default hour.
  h = await Harness.start({ MEDIAFLOW_TASK_TIMEOUT_MS_SUMMARY: String(SUMMARY_LIMIT_MS) });
});

afterAll(async () => {
  await h?.stop();
});

/** A stored 10-hour video, recorded as an ingest would have; its bytes are never read. */
async function storedLongVideo(project: string): Promise<string> {
  const id = newId('file');
  await h.sql(
    `INSERT INTO scheduler.files
       (id, project_id, task_id, ref, kind, mimetype, format, filename, width, height, duration, fps, filesize,
        has_audio, has_video, language, storage_key)
     VALUES ($1, $2, NULL, NULL, 'video', 'video/mp4', 'mp4', 'all-night.mp4', 1920, 1080, 36000, 30, 21600000000,
             true, true, NULL, $3)`,
    [id, project, `projects/${project}/files/${id}/all-night.mp4`],
  );
  return id;
}

const byRef = (task: TaskRecord) =>
  Object.fromEntries(stepsOf(task).map((s) => [s.ref ?? s.kind, s]));

describe('an input too long for its worker’s time limit', () => {
  it('fails a single task at once with input_too_large, saying the duration, the need and the limit', async () => {
    const project = newId('prj');
    const file = await storedLongVideo(project);
    const task = await h.request(schedulerRpc.createTask, {
      project_id: project,
      kind: 'video',
      options: { width: 1280 },
      source: { file_id: file },
      webhook: null,
    });
    const error = {
      code: 'input_too_large',
      message:
        "A 36000 s input needs about 32580 s of video work, over this installation's 3600 s task limit (MEDIAFLOW_TASK_TIMEOUT_MS of the video worker)",
    };
    expect(task).toMatchObject({ status: 'failed', attempts: 0, error });
    expect(task.input).toMatchObject({ id: file, duration: 36000 });
    expect(await h.waitForTask(project, task.id)).toMatchObject({ status: 'failed', error });
    await h.eventsHandled();
    expect(h.worker.dispatchesOf(task.id)).toEqual([]);
  });

  it('fails only the steps that cannot finish on their worker, skips what comes after them, and runs the rest with its budget', async () => {
    const project = newId('prj');
    const file = await storedLongVideo(project);
    const created = await h.request(schedulerRpc.createRun, {
      project_id: project,
      automation_id: null,
      workflow: [
        { kind: 'video', ref: 'web', next: [{ kind: 'thumbnails', ref: 'web-scrub' }] },
        { kind: 'thumbnails', ref: 'scrub' },
        { kind: 'summary', ref: 'gist' },
      ],
      source: { file_id: file },
      webhook: null,
    });
    expect(byRef(created).web).toMatchObject({
      status: 'failed',
      error: { code: 'input_too_large' },
    });
    expect(byRef(created)['web-scrub']!.status).toBe('skipped');
    expect(byRef(created).gist).toMatchObject({
      status: 'failed',
      error: {
        code: 'input_too_large',
        message:
          "A 36000 s input needs about 27240 s of summary work, over this installation's 300 s task limit (MEDIAFLOW_TASK_TIMEOUT_MS of the summary worker)",
      },
    });
    expect(byRef(created).scrub!.status).toBe('pending');

    // Twenty frames of ten hours are twenty seeks: 180 s + 20 × 2.5 s.
    const [scrub] = await waitForDispatches(byRef(created).scrub!.id);
    expect(scrub).toMatchObject({ kind: 'thumbnails', timeout_ms: 230_000 });
    const done = await h.waitForTask(project, created.id);
    expect(done).toMatchObject({ status: 'failed' });
    expect(byRef(done).scrub!.status).toBe('completed');
    for (const ref of ['web', 'web-scrub', 'gist'])
      expect(h.worker.dispatchesOf(byRef(created)[ref]!.id)).toEqual([]);
  });

  it('sends a step on a freshly ingested source the budget of its duration, and the ingest none', async () => {
    const project = newId('prj');
    const done = await h.waitForTask(
      project,
      (
        await h.request(schedulerRpc.createRun, {
          project_id: project,
          automation_id: null,
          workflow: [{ kind: 'thumbnails', ref: 'scrub' }],
          source: { url: 'https://media.example/clip.mp4' },
          webhook: null,
        })
      ).id,
    );
    expect(done.status).toBe('completed');
    expect((done.input as StoredFile).duration).toBe(10);
    // 10 s in one pass: 180 s + 10 × 1 s.
    expect(h.worker.dispatchesOf(byRef(done).scrub!.id)).toEqual([
      expect.objectContaining({ timeout_ms: 190_000 }),
    ]);
    const ingests = await h.request(schedulerRpc.listTasks, {
      project_id: project,
      query: { kind: 'ingest' },
    });
    const [ingest] = h.worker.dispatchesOf(ingests.data[0]!.id);
    expect(ingest).toBeDefined();
    expect(ingest).not.toHaveProperty('timeout_ms');
  });
});

async function waitForDispatches(taskId: string) {
  for (let i = 0; i < 200 && h.worker.dispatchesOf(taskId).length === 0; i++) await sleep(50);
  return h.worker.dispatchesOf(taskId);
}
