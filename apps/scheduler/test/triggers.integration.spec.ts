import {
  MediaflowError,
  newId,
  registryRpc,
  schedulerRpc,
  type Automation,
  type Condition,
  type StoredFile,
  type TaskRecord,
  type Workflow,
} from '@mediaflow/contracts';
import type { Served } from '@mediaflow/messaging';
import { startScheduler } from '../src';
import { Harness, until } from './support/harness';

// Upload triggers against the real PostgreSQL and NATS JetStream. A
// stand-in registry on the bus answers which automations have a trigger
// (the registry's own tests hold the real one to that contract); the test
// plays the gateway, and the fake worker the workers.
jest.setTimeout(60_000);

let h: Harness;

/** The registry's part: each project's active automations with a trigger, as listTriggered answers them. */
class StandInRegistry {
  readonly automations = new Map<string, Automation[]>();
  /** How it answers: as the registry, with the error of a registry whose database is down, or not at all. */
  mode: 'up' | 'failing' = 'up';
  /** The project of each request, in order. */
  readonly asked: string[] = [];
  private served?: Served;

  async serve(): Promise<void> {
    if (this.served) return;
    this.served = await h.client.serve(
      registryRpc.listTriggered,
      async (request) => {
        this.asked.push(request.project_id);
        if (this.mode === 'failing')
          throw new MediaflowError('service_unavailable', 'The database is not answering');
        return { data: this.automations.get(request.project_id) ?? [] };
      },
      { queue: 'automation-registry' },
    );
  }

  /** Nobody on the subject: requests fail at once with no responders. */
  async stop(): Promise<void> {
    await this.served?.stop();
    this.served = undefined;
  }
}

const registry = new StandInRegistry();

function automation(project: string, workflow: Workflow, conditions: Condition[] = []): Automation {
  const made: Automation = {
    id: newId('auto'),
    object: 'automation',
    name: 'triggered',
    description: null,
    workflow,
    trigger: { kind: 'event', event: 'file.created', conditions },
    status: 'active',
    created_at: 1_800_000_000,
    updated_at: 1_800_000_000,
  };
  registry.automations.set(project, [...(registry.automations.get(project) ?? []), made]);
  return made;
}

/** A file stored by `POST /files` from a URL: the fake ingest knows the file by its name. */
async function store(
  project: string,
  name: string,
): Promise<{ ingest: TaskRecord; file: StoredFile }> {
  const created = await h.request(schedulerRpc.createIngest, {
    project_id: project,
    source: { url: `https://media.example/${name}` },
    filename: null,
  });
  const ingest = await h.waitForTask(project, created.id);
  expect(ingest.status).toBe('completed');
  return { ingest, file: ingest.output as StoredFile };
}

const getFile = (project: string, id: string) =>
  h.request(schedulerRpc.getFile, { project_id: project, id });

async function runsOf(project: string): Promise<TaskRecord[]> {
  const listed = await h.request(schedulerRpc.listTasks, {
    project_id: project,
    query: { kind: 'workflow', limit: '100' },
  });
  return listed.data;
}

async function triggersEvaluated(ingestId: string): Promise<boolean> {
  const [row] = await h.sql<{ evaluated: boolean }>(
    'SELECT triggers_evaluated_at IS NOT NULL AS evaluated FROM scheduler.tasks WHERE id = $1',
    [ingestId],
  );
  return row!.evaluated;
}

beforeAll(async () => {
  h = await Harness.start();
  await registry.serve();
});

afterAll(async () => {
  await registry.stop();
  await h?.stop();
});

describe('a stored file', () => {
  const project = newId('prj');
  const videos = automation(project, [{ kind: 'thumbnails' }], [{ prop: 'kind', value: 'video' }]);
  const everything = automation(project, [{ kind: 'summary' }]);
  automation(
    project,
    [{ kind: 'image', options: { width: 64 } }],
    [{ prop: 'kind', value: 'image' }],
  );
  let file: StoredFile;
  let runs: TaskRecord[];

  beforeAll(async () => {
    // Its completion is delivered twice, to two replicas sharing the work.
    const replica = await startScheduler(h.config, { shutdownHooks: false });
    h.worker.behaviours.set('clip.mp4', { type: 'duplicate' });
    try {
      file = (await store(project, 'clip.mp4')).file;
      // Made with the completion, in its transaction: there as soon as the ingest is.
      expect((await getFile(project, file.id)).triggered_runs).toHaveLength(2);
      await h.eventsHandled();
    } finally {
      h.worker.behaviours.delete('clip.mp4');
      await replica.close();
    }
    runs = await runsOf(project);
  });

  it('starts one run per automation whose trigger it meets, once, however often its completion comes', async () => {
    expect(runs).toHaveLength(2);
    expect(runs.map((run) => run.automation_id).sort()).toEqual([videos.id, everything.id].sort());
    expect((await getFile(project, file.id)).triggered_runs.sort()).toEqual(
      runs.map((run) => run.id).sort(),
    );
    const rows = await h.sql<{ automation_id: string }>(
      'SELECT automation_id FROM scheduler.tasks WHERE trigger_file_id = $1',
      [file.id],
    );
    expect(rows).toHaveLength(2);
  });

  it('runs each on the file, like any run of the automation, to completion', async () => {
    for (const run of runs) {
      expect(run.input?.id).toBe(file.id);
      const done = await h.waitForTask(project, run.id);
      expect(done.status).toBe('completed');
    }
  });

  it('fires nothing for the files its runs make', async () => {
    const thumbnails = runs.find((run) => run.automation_id === videos.id)!;
    const [step] = (await h.waitForTask(project, thumbnails.id)).workflow!;
    const track = step!.output as StoredFile;
    expect((await getFile(project, track.id)).triggered_runs).toEqual([]);
    expect(await runsOf(project)).toHaveLength(2);
  });

  it('lists the runs with the file', async () => {
    const listed = await h.request(schedulerRpc.listFiles, { project_id: project, query: {} });
    const listedFile = listed.data.find((f) => f.id === file.id)!;
    expect(listedFile.triggered_runs.sort()).toEqual(runs.map((run) => run.id).sort());
  });
});

describe('a run from a URL', () => {
  it('fires no trigger with its source: only files POST /files stores do', async () => {
    const project = newId('prj');
    automation(project, [{ kind: 'summary' }]);
    const created = await h.request(schedulerRpc.createRun, {
      project_id: project,
      automation_id: null,
      workflow: [{ kind: 'image', options: { width: 64 } }],
      source: { url: 'https://media.example/wide.jpg' },
      webhook: null,
    });
    const run = await h.waitForTask(project, created.id);
    expect(run.status).toBe('completed');
    expect((await getFile(project, run.input!.id)).triggered_runs).toEqual([]);
    expect((await runsOf(project)).map((r) => r.id)).toEqual([run.id]);
  });
});

describe('a file stored while the registry is down', () => {
  const project = newId('prj');
  const everything = automation(project, [{ kind: 'summary' }]);
  let ingest: TaskRecord;
  let file: StoredFile;

  afterAll(async () => {
    registry.mode = 'up';
    await registry.serve();
  });

  it('is stored all the same, its triggers left to evaluate', async () => {
    await registry.stop();
    ({ ingest, file } = await store(project, 'wide.jpg'));
    expect((await getFile(project, file.id)).triggered_runs).toEqual([]);
    expect(await triggersEvaluated(ingest.id)).toBe(false);
  });

  it('waits while the registry fails, asked again each reconcile round', async () => {
    registry.mode = 'failing';
    await registry.serve();
    const asked = registry.asked.length;
    await until(
      () => registry.asked.length >= asked + 2,
      'two reconcile rounds asking the registry',
    );
    expect(await runsOf(project)).toEqual([]);
    expect(await triggersEvaluated(ingest.id)).toBe(false);
  });

  it('fires them once the registry answers, once', async () => {
    registry.mode = 'up';
    await until(
      async () => (await getFile(project, file.id)).triggered_runs.length > 0,
      'the reconciler to fire the triggers',
    );
    // Marked in the transaction that made the run: no later round makes another.
    expect(await triggersEvaluated(ingest.id)).toBe(true);
    const runs = await runsOf(project);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ automation_id: everything.id, input: { id: file.id } });
    expect((await getFile(project, file.id)).triggered_runs).toEqual([runs[0]!.id]);
    expect((await h.waitForTask(project, runs[0]!.id)).status).toBe('completed');
  });

  it('is left alone by later rounds', async () => {
    // Another file waiting on a failing registry shows the rounds going by.
    registry.mode = 'failing';
    const asked = registry.asked.length;
    await store(newId('prj'), 'narrow.png');
    await until(() => registry.asked.length >= asked + 3, 'rounds asking about the other file');
    expect(registry.asked.slice(asked)).not.toContain(project);
    expect(await runsOf(project)).toHaveLength(1);
  });
});
