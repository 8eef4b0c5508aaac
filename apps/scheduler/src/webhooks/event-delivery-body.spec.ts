import { createHmac } from 'node:crypto';
import { publicFile, type Automation, type LoggedEventRecord } from '@mediaflow/contracts';
import { PROJECT, fileRow, taskRow } from '../../test/fixtures/rows';
import { indexFiles } from '../files/file-index';
import { toStoredFile } from '../files/stored-file';
import { buildTaskTree } from '../tasks/task-tree';
import { eventDeliveryBody, eventDeliveryHeaders } from './event-delivery-body';

const INGEST = 'task_ingest0000000000';
const TASK = 'task_aaaaaaaaaaaaaaaa';
const source = fileRow({ id: 'file_aaaaaaaaaaaaaaaa', task_id: INGEST });
const output = fileRow({ id: 'file_bbbbbbbbbbbbbbbb', task_id: TASK });
const file = toStoredFile(source);

/** A single image task that completed, on its ingested source. */
const task = buildTaskTree(
  TASK,
  [
    taskRow({
      id: TASK,
      run_id: TASK,
      status: 'completed',
      progress: 100,
      input_file_id: source.id,
      output_file_id: output.id,
    }),
  ],
  indexFiles([source, output]),
);

const automation: Automation = {
  id: 'auto_aaaaaaaaaaaaaaaa',
  object: 'automation',
  name: 'Process uploads',
  description: null,
  workflow: [{ kind: 'image', options: { width: 320 } }],
  trigger: null,
  status: 'active',
  created_at: 1,
  updated_at: 2,
};

describe('eventDeliveryBody', () => {
  it('is the envelope of a task event, the task as per-task webhooks send it', () => {
    const body = eventDeliveryBody({
      id: 'evt_aaaaaaaaaaaaaaaa',
      type: 'task.completed',
      created_at: 2,
      data: task,
    });
    expect(Object.keys(body)).toEqual(['id', 'type', 'created_at', 'data']);
    expect(body).toMatchObject({
      id: 'evt_aaaaaaaaaaaaaaaa',
      type: 'task.completed',
      created_at: 2,
      data: {
        id: task.id,
        status: 'completed',
        input: { id: source.id, object: 'file' },
        output: { id: output.id, object: 'file' },
      },
    });
    expect(JSON.stringify(body)).not.toMatch(/storage_key|project_id|prj_/);
  });

  it("gives a file's event the public file, without url, storage key or project", () => {
    const body = eventDeliveryBody({
      id: 'evt_bbbbbbbbbbbbbbbb',
      type: 'file.created',
      created_at: 1,
      data: file,
    });
    expect(body.data).toEqual(publicFile(file));
    expect(body.data).not.toHaveProperty('url');
    expect(JSON.stringify(body)).not.toContain(PROJECT);
  });

  it("gives an automation's event the automation as the API shows it", () => {
    const event: LoggedEventRecord = {
      id: 'evt_cccccccccccccccc',
      type: 'automation.deleted',
      created_at: 3,
      data: automation,
    };
    expect(eventDeliveryBody(event)).toEqual(event);
  });
});

describe('eventDeliveryHeaders', () => {
  const body = '{"id":"evt_aaaaaaaaaaaaaaaa"}';
  const headers = eventDeliveryHeaders(
    'whsec_endpoint',
    body,
    { id: 'evt_aaaaaaaaaaaaaaaa', type: 'task.failed' },
    1_800_000_000,
  );

  it('signs "<t>.<body>" with the endpoint secret, as per-task webhooks are signed', () => {
    const expected = createHmac('sha256', 'whsec_endpoint')
      .update(`1800000000.${body}`)
      .digest('hex');
    expect(headers['Mediaflow-Signature']).toBe(`t=1800000000,v1=${expected}`);
    expect(
      eventDeliveryHeaders('whsec_other', body, { id: 'evt_x', type: 't' }, 1_800_000_000)[
        'Mediaflow-Signature'
      ],
    ).not.toBe(headers['Mediaflow-Signature']);
  });

  it('names the event to deduplicate on, and its type', () => {
    expect(headers).toMatchObject({
      'content-type': 'application/json',
      'Mediaflow-Event-Id': 'evt_aaaaaaaaaaaaaaaa',
      'Mediaflow-Event-Type': 'task.failed',
    });
  });
});
