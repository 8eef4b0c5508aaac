import { TaskRecordSchema } from '@mediaflow/contracts';
import { CREATED, LATER, PROJECT, fileRow, taskRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import { buildTaskTree, toTaskRecord } from './task-tree';

const RUN = 'task_run0000000000000';
const id = (name: string) => `task_${name.padEnd(16, '0')}`;
const file = (name: string) => `file_${name.padEnd(16, '0')}`;

// A run of: conditions (next: image a, else: image b), summary, thumbnails; its source ingested.
const rows = [
  taskRow({
    id: id('thumbs'),
    run_id: RUN,
    parent_id: RUN,
    position: 2,
    kind: 'thumbnails',
    status: 'completed',
    input_file_id: file('source'),
    output_file_id: file('track'),
    attempt: 1,
  }),
  taskRow({
    id: id('b'),
    run_id: RUN,
    parent_id: id('cond'),
    branch: 'else',
    kind: 'image',
    status: 'skipped',
    skip_reason: {
      code: 'branch_not_taken',
      message: 'conditions at workflow[0] held for the input, so its else steps did not run',
    },
    ref: 'thumb',
  }),
  taskRow({
    id: RUN,
    run_id: RUN,
    kind: 'workflow',
    status: 'completed',
    progress: 100,
    automation_id: 'auto_aaaaaaaaaaaaaaaa',
    workflow: [{ kind: 'summary' }],
    input_file_id: file('source'),
    webhook_url: 'https://example.com/hook',
    webhook_secret: 'whsec',
    started_at: CREATED,
    finished_at: LATER,
    updated_at: LATER,
  }),
  taskRow({
    id: id('ingest'),
    run_id: RUN,
    parent_id: RUN,
    kind: 'ingest',
    ref: 'source',
    status: 'completed',
    output_file_id: file('source'),
    attempt: 1,
  }),
  taskRow({
    id: id('a'),
    run_id: RUN,
    parent_id: id('cond'),
    branch: 'next',
    kind: 'image',
    ref: 'resized',
    options: { width: 1280 },
    status: 'completed',
    progress: 100,
    input_file_id: file('source'),
    output_file_id: file('a'),
    attempt: 2,
    started_at: CREATED,
    finished_at: LATER,
  }),
  taskRow({
    id: id('summary'),
    run_id: RUN,
    parent_id: RUN,
    position: 1,
    kind: 'summary',
    status: 'completed',
    input_file_id: file('source'),
    output_data: { summary: 'A test card.', source: 'properties' },
    attempt: 1,
  }),
  taskRow({
    id: id('cond'),
    run_id: RUN,
    parent_id: RUN,
    position: 0,
    kind: 'conditions',
    conditions: [{ prop: 'width', operator: '>', value: 1280 }],
    status: 'completed',
    input_file_id: file('source'),
    output_file_id: file('source'),
  }),
];
const files = indexFiles([
  fileRow({ id: file('source'), task_id: id('ingest'), ref: 'source' }),
  fileRow({ id: file('a'), task_id: id('a'), ref: 'resized', width: 1280, height: 960 }),
  fileRow({
    id: file('track'),
    task_id: id('thumbs'),
    kind: 'track',
    mimetype: 'text/vtt',
    format: 'vtt',
    filename: 'thumbnails.vtt',
    width: null,
    height: null,
  }),
  fileRow({
    id: file('sprite'),
    task_id: id('thumbs'),
    filename: 'sprite.jpg',
    width: 800,
    height: 450,
    created_at: LATER,
  }),
]);

describe('buildTaskTree', () => {
  const tree = buildTaskTree(RUN, rows, files);

  it('puts the top-level steps under workflow in their order, and leaves the ingest out of the tree', () => {
    expect(tree.workflow?.map((s) => s.id)).toEqual([id('cond'), id('summary'), id('thumbs')]);
    expect(tree.next).toBeUndefined();
    const ids: string[] = [];
    const visit = (steps: typeof tree.workflow) =>
      steps?.forEach((s) => {
        ids.push(s.id);
        visit(s.next);
        visit(s.else);
      });
    visit(tree.workflow);
    expect(ids).toEqual([id('cond'), id('a'), id('b'), id('summary'), id('thumbs')]);
  });

  it('gives the run its source as input, no output, and its own fields', () => {
    expect(tree).toMatchObject({
      id: RUN,
      object: 'task',
      kind: 'workflow',
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
      parent_id: null,
      status: 'completed',
      progress: 100,
      output: null,
      attempts: 0,
      created_at: 1735689825,
      updated_at: 1735689840,
      started_at: 1735689825,
      finished_at: 1735689840,
      webhook_url: 'https://example.com/hook',
    });
    expect(tree.input).toEqual({
      id: file('source'),
      project_id: PROJECT,
      kind: 'image',
      mimetype: 'image/jpeg',
      format: 'jpeg',
      filename: 'photo.jpg',
      ref: 'source',
      width: 4000,
      height: 3000,
      duration: null,
      fps: null,
      filesize: 1843221,
      has_audio: false,
      has_video: false,
      language: null,
      task_id: id('ingest'),
      storage_key: `projects/${PROJECT}/files/${file('source')}/photo.jpg`,
      created_at: 1735689825,
    });
  });

  it('nests a conditions step with its conditions, next and else', () => {
    const [conditions] = tree.workflow!;
    expect(conditions!.conditions).toEqual([{ prop: 'width', operator: '>', value: 1280 }]);
    expect(conditions!.next?.map((s) => [s.id, s.ref, s.status])).toEqual([
      [id('a'), 'resized', 'completed'],
    ]);
    expect(conditions!.else?.map((s) => [s.id, s.ref, s.status])).toEqual([
      [id('b'), 'thumb', 'skipped'],
    ]);
    expect(conditions!.parent_id).toBe(RUN);
    expect(conditions!.next![0]).toMatchObject({
      parent_id: id('cond'),
      attempts: 2,
      options: { width: 1280 },
    });
    expect(conditions!.next![0]!.output).toMatchObject({
      id: file('a'),
      width: 1280,
      height: 960,
      ref: 'resized',
    });
    expect(conditions!.next![0]!.next).toBeUndefined();
    expect(conditions!.next![0]!.conditions).toBeUndefined();
  });

  it('answers a data kind with its JSON result, and a file with the files it links', () => {
    const [, summary, thumbs] = tree.workflow!;
    expect(summary!.output).toEqual({ summary: 'A test card.', source: 'properties' });
    expect(thumbs!.output).toMatchObject({
      id: file('track'),
      kind: 'track',
      files: [{ id: file('sprite'), filename: 'sprite.jpg' }],
    });
  });

  it('is a valid TaskRecord', () => {
    expect(TaskRecordSchema.parse(tree)).toEqual(tree);
  });

  it('gives the run the count of its steps in each status, its ingest not counted', () => {
    expect(tree.steps_summary).toEqual({
      pending: 0,
      waiting: 0,
      processing: 0,
      completed: 4,
      failed: 0,
      skipped: 1,
      cancelled: 0,
    });
    // Only a run has one.
    expect(tree.workflow!.every((step) => step.steps_summary === undefined)).toBe(true);
    expect(buildTaskTree(id('ingest'), rows, files).steps_summary).toBeUndefined();
  });

  it('gives each step its skip reason, null unless skipped', () => {
    const [conditions] = tree.workflow!;
    expect(conditions!.else![0]!.skip_reason).toEqual({
      code: 'branch_not_taken',
      message: 'conditions at workflow[0] held for the input, so its else steps did not run',
    });
    expect(conditions!.next![0]!.skip_reason).toBeNull();
    expect(tree.skip_reason).toBeNull();
  });

  it('builds the subtree of a step, and a lone ingest', () => {
    const step = buildTaskTree(id('cond'), rows, files);
    expect(step.id).toBe(id('cond'));
    expect(step.workflow).toBeUndefined();
    expect(step.next?.[0]?.id).toBe(id('a'));
    const ingest = buildTaskTree(id('ingest'), rows, files);
    expect(ingest).toMatchObject({ kind: 'ingest', ref: 'source', output: { id: file('source') } });
    expect(ingest.next).toBeUndefined();
  });

  it('refuses a target that is not among the rows', () => {
    expect(() => buildTaskTree(id('nope'), rows, files)).toThrow(/not among the rows/);
  });
});

describe('toTaskRecord', () => {
  it('shows a deleted file as absent', () => {
    const deleted = indexFiles([fileRow({ id: file('gone'), deleted_at: LATER })]);
    const row = taskRow({
      id: id('x'),
      run_id: id('x'),
      input_file_id: file('gone'),
      output_file_id: file('gone'),
      status: 'completed',
    });
    expect(toTaskRecord(row, deleted)).toMatchObject({ input: null, output: null });
  });

  it('answers a single task (its own run) with its output and no workflow', () => {
    const row = taskRow({
      id: id('single'),
      run_id: id('single'),
      status: 'completed',
      output_file_id: file('a'),
      input_file_id: file('source'),
      attempt: 1,
    });
    const record = buildTaskTree(id('single'), [row], files);
    expect(record).toMatchObject({
      kind: 'image',
      parent_id: null,
      attempts: 1,
      output: { id: file('a') },
      input: { id: file('source') },
    });
    expect(record.workflow).toBeUndefined();
  });
});
