import type { StoredFile, TaskRecord } from '@mediaflow/contracts';
import { storedFile } from '../../test/stored-file';
import { taskRecord } from '../../test/task-record';
import { presentFile } from '../files/present-file';
import { presentTask } from './present-task';

const urlOf = (file: StoredFile) =>
  `https://api.test/files/${file.id}/content?signed=${file.project_id}`;

function record(id: string, overrides: Partial<TaskRecord> = {}): TaskRecord {
  return taskRecord('pending', 0, {
    id,
    attempts: 0,
    created_at: 1735689825,
    updated_at: 1735689825,
    ...overrides,
  });
}

const source = storedFile('file_source0000000001', { kind: 'video', mimetype: 'video/mp4' });
const png = storedFile('file_png000000000000001', { ref: 'thumb' });
const sprite = storedFile('file_sprite00000000001');
const vtt = storedFile('file_vtt000000000000001', { kind: 'track', mimetype: 'text/vtt' });

describe('presentFile', () => {
  it('is the file object of docs/http-api.md: signed url, no storage key, no project', () => {
    expect(presentFile(png, urlOf)).toEqual({
      id: png.id,
      object: 'file',
      kind: 'image',
      mimetype: 'image/png',
      format: 'png',
      filename: `${png.id}.png`,
      ref: 'thumb',
      width: 320,
      height: 240,
      duration: null,
      fps: null,
      filesize: 1234,
      has_audio: false,
      has_video: false,
      language: null,
      url: `https://api.test/files/${png.id}/content?signed=prj_aaaaaaaaaaaaaaaa`,
      task_id: 'task_aaaaaaaaaaaaaaaa',
      created_at: 1735689825,
    });
  });

  it('copies no field it does not know of', () => {
    const extended = { ...png, bucket: 'secret-bucket' } as StoredFile;
    expect(presentFile(extended, urlOf)).not.toHaveProperty('bucket');
  });
});

describe('presentTask', () => {
  const cases: [string, TaskRecord, (presented: ReturnType<typeof presentTask>) => void][] = [
    [
      'a pending task without files',
      record('task_pending000000001'),
      (t) => {
        expect(t.input).toBeNull();
        expect(t.output).toBeNull();
        expect(t).not.toHaveProperty('workflow');
      },
    ],
    [
      'a task with a file input and a file output',
      record('task_image0000000001', { input: source, output: png, status: 'completed' }),
      (t) => {
        expect(t.input).toEqual(presentFile(source, urlOf));
        expect(t.output).toEqual(presentFile(png, urlOf));
      },
    ],
    [
      'a data result, left as it is',
      record('task_summary00000001', {
        kind: 'summary',
        input: source,
        output: { summary: 'A test card.', source: 'properties', provider: 'local' },
      }),
      (t) =>
        expect(t.output).toEqual({
          summary: 'A test card.',
          source: 'properties',
          provider: 'local',
        }),
    ],
    [
      'a thumbnails output and the files it links',
      record('task_thumbs000000001', {
        kind: 'thumbnails',
        input: source,
        output: { ...sprite, files: [vtt] },
      }),
      (t) =>
        expect(t.output).toEqual({
          ...presentFile(sprite, urlOf),
          files: [presentFile(vtt, urlOf)],
        }),
    ],
    [
      'a run, its steps, their next and else steps',
      record('task_run00000000001', {
        kind: 'workflow',
        input: source,
        workflow: [
          record('task_step0000000001', {
            input: source,
            output: png,
            next: [record('task_next0000000001', { input: png, output: sprite })],
          }),
          record('task_cond0000000001', {
            kind: 'conditions',
            conditions: [{ prop: 'width', operator: '>', value: 1280 }],
            input: source,
            next: [record('task_skip0000000001', { status: 'skipped' })],
            else: [record('task_else0000000001', { input: source, output: vtt })],
          }),
        ],
      }),
      (t) => {
        const [step, conditions] = t.workflow!;
        expect(step!.output).toEqual(presentFile(png, urlOf));
        expect(step!.next![0]!.input).toEqual(presentFile(png, urlOf));
        expect(step!.next![0]!.output).toEqual(presentFile(sprite, urlOf));
        expect(conditions!.conditions).toEqual([{ prop: 'width', operator: '>', value: 1280 }]);
        expect(conditions!.next![0]!.status).toBe('skipped');
        expect(conditions!.else![0]!.output).toEqual(presentFile(vtt, urlOf));
      },
    ],
  ];

  it.each(cases)('presents %s', (_name, task, check) => {
    const presented = presentTask(task, urlOf);
    check(presented);
    const text = JSON.stringify(presented);
    // Where the bytes are, and whose they are, never reach a client, at any depth.
    expect(text).not.toContain('storage_key');
    expect(text).not.toContain('"project_id"');
    expect(text).not.toContain('projects/prj_');
  });

  it('keeps every other field and its place', () => {
    const task = record('task_fields000000001', {
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
      ref: 'web',
      options: { width: 320 },
      status: 'failed',
      error: { code: 'input_unreadable', message: 'not media' },
      attempts: 2,
      webhook_url: 'https://hooks.test/x',
      input: source,
    });
    const presented = presentTask(task, urlOf);
    expect(Object.keys(presented)).toEqual(Object.keys(task));
    expect(presented).toMatchObject({
      automation_id: 'auto_aaaaaaaaaaaaaaaa',
      ref: 'web',
      options: { width: 320 },
      error: { code: 'input_unreadable', message: 'not media' },
      attempts: 2,
      webhook_url: 'https://hooks.test/x',
    });
  });
});
