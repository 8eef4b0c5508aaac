import { planIngestRow, planRunRows, type RunRequest } from './run-plan';

const PROJECT = 'prj_aaaaaaaaaaaaaaaa';

function ids() {
  let n = 0;
  return () => `task_${String(++n).padStart(16, '0')}`;
}

const base = {
  projectId: PROJECT,
  automationId: 'auto_aaaaaaaaaaaaaaaa',
  webhook: { url: 'https://example.com/hook', secret: 'whsec' },
} satisfies Partial<RunRequest>;

describe('planRunRows', () => {
  it('plans a workflow run from a URL: the run under way, its steps waiting in pre-order, and an ingest', () => {
    const plan = planRunRows(
      {
        ...base,
        subject: {
          kind: 'workflow',
          workflow: [
            {
              kind: 'conditions',
              conditions: [{ prop: 'kind', value: 'image' }],
              next: [{ kind: 'image', options: { width: 1280 }, ref: 'big' }],
              else: [{ kind: 'summary' }],
            },
            { kind: 'nsfw' },
          ],
        },
        source: { url: 'https://example.com/a.jpg' },
      },
      ids(),
      3,
    );
    const root = 'task_0000000000000001';
    expect(plan.root).toMatchObject({
      id: root,
      run_id: root,
      parent_id: null,
      kind: 'workflow',
      status: 'processing',
      started: true,
      options: {},
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
      input_file_id: null,
      source_url: 'https://example.com/a.jpg',
      webhook_url: 'https://example.com/hook',
      webhook_secret: 'whsec',
      max_attempts: 3,
    });
    expect(plan.root.workflow).toHaveLength(2);
    expect(plan.steps.map((s) => [s.kind, s.parent_id, s.branch, s.position, s.status])).toEqual([
      ['conditions', root, null, 0, 'waiting'],
      ['image', 'task_0000000000000002', 'next', 0, 'waiting'],
      ['summary', 'task_0000000000000002', 'else', 0, 'waiting'],
      ['nsfw', root, null, 1, 'waiting'],
    ]);
    expect(plan.steps[0]!.conditions).toEqual([{ prop: 'kind', value: 'image' }]);
    expect(plan.steps[1]).toMatchObject({
      ref: 'big',
      options: { width: 1280 },
      run_id: root,
      project_id: PROJECT,
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
    });
    expect(
      plan.steps.every(
        (s) => s.webhook_url === null && s.webhook_secret === null && s.source_url === null,
      ),
    ).toBe(true);
    expect(plan.ingest).toMatchObject({
      kind: 'ingest',
      ref: 'source',
      parent_id: root,
      run_id: root,
      status: 'waiting',
      source_url: 'https://example.com/a.jpg',
      options: {},
    });
  });

  it('plans a single task on a stored file: its root is its only step, waiting for its input', () => {
    const plan = planRunRows(
      {
        ...base,
        automationId: null,
        webhook: null,
        subject: { kind: 'image', options: { width: 32 } },
        source: { file_id: 'file_aaaaaaaaaaaaaaaa' },
      },
      ids(),
      5,
    );
    expect(plan.root).toMatchObject({
      kind: 'image',
      status: 'waiting',
      started: false,
      options: { width: 32 },
      workflow: null,
      input_file_id: 'file_aaaaaaaaaaaaaaaa',
      source_url: null,
      webhook_url: null,
      max_attempts: 5,
    });
    expect(plan.steps).toEqual([]);
    expect(plan.ingest).toBeNull();
  });

  it('names the file that fired a triggered run on its root alone', () => {
    const file = 'file_aaaaaaaaaaaaaaaa';
    const plan = planRunRows(
      {
        ...base,
        webhook: null,
        subject: { kind: 'workflow', workflow: [{ kind: 'summary' }] },
        source: { file_id: file },
        triggerFileId: file,
      },
      ids(),
      3,
    );
    expect(plan.root).toMatchObject({ input_file_id: file, trigger_file_id: file });
    expect(plan.steps.map((s) => s.trigger_file_id)).toEqual([null]);
    const onDemand = planRunRows(
      { ...base, subject: { kind: 'summary', options: {} }, source: { file_id: file } },
      ids(),
      3,
    );
    expect(onDemand.root.trigger_file_id).toBeNull();
  });
});

describe('planIngestRow', () => {
  it('plans a standalone ingest of a URL: a root of its own, waiting, with no ref, automation or webhook', () => {
    const row = planIngestRow(
      { projectId: PROJECT, source: { url: 'https://example.com/a.jpg' }, filename: 'b.jpg' },
      'task_0000000000000009',
      3,
    );
    expect(row).toMatchObject({
      id: 'task_0000000000000009',
      run_id: 'task_0000000000000009',
      parent_id: null,
      project_id: PROJECT,
      kind: 'ingest',
      ref: null,
      status: 'waiting',
      started: false,
      automation_id: null,
      webhook_url: null,
      source_url: 'https://example.com/a.jpg',
      source_key: null,
      source_filename: 'b.jpg',
      max_attempts: 3,
    });
  });

  it('plans a standalone ingest of a staged upload: its key instead of a URL', () => {
    const key = `projects/${PROJECT}/files/file_aaaaaaaaaaaaaaaa/upload`;
    const row = planIngestRow(
      { projectId: PROJECT, source: { staged_key: key }, filename: null },
      'task_0000000000000009',
      1,
    );
    expect(row).toMatchObject({
      kind: 'ingest',
      source_url: null,
      source_key: key,
      source_filename: null,
      max_attempts: 1,
    });
  });
});
