import type {
  Automation,
  LoggedEventWithDeliveries,
  TaskObject,
  TaskRecord,
} from '@mediaflow/contracts';
import { storedFile } from '../../test/stored-file';
import { taskRecord } from '../../test/task-record';
import { presentEventData, presentLoggedEvent, type EventPresenter } from './present-event';

const file = storedFile('file_aaaaaaaaaaaaaaaa');

const automation: Automation = {
  id: 'auto_aaaaaaaaaaaaaaaa',
  object: 'automation',
  name: 'Thumbnails',
  description: null,
  workflow: [{ kind: 'thumbnails', options: {} }],
  trigger: null,
  status: 'active',
  created_at: 1,
  updated_at: 2,
};

const presenter: EventPresenter = {
  task: (task: TaskRecord) => ({ ...task, presented: true }) as unknown as TaskObject,
  fileUrl: (f) => `https://media.example/files/${f.id}/content?signed`,
};

describe('presentEventData', () => {
  it('gives a created file its signed url, and never where it is stored', () => {
    const data = presentEventData(
      { id: 'evt_aaaaaaaaaaaaaaaa', type: 'file.created', created_at: 1, data: file },
      presenter.fileUrl,
    );
    expect(data).toMatchObject({
      id: file.id,
      object: 'file',
      url: `https://media.example/files/${file.id}/content?signed`,
    });
    expect(JSON.stringify(data)).not.toMatch(/storage_key|prj_/);
  });

  it('gives a deleted file no url: its bytes are gone', () => {
    const data = presentEventData(
      { id: 'evt_aaaaaaaaaaaaaaaa', type: 'file.deleted', created_at: 1, data: file },
      presenter.fileUrl,
    );
    expect(data).toMatchObject({ id: file.id, object: 'file' });
    expect(data).not.toHaveProperty('url');
  });

  it('gives an automation as it is', () => {
    expect(
      presentEventData(
        { id: 'evt_aaaaaaaaaaaaaaaa', type: 'automation.created', created_at: 1, data: automation },
        presenter.fileUrl,
      ),
    ).toEqual(automation);
  });
});

describe('presentLoggedEvent', () => {
  it('is the envelope of the streams, its task presented, with its deliveries', () => {
    const task = taskRecord('completed', 100);
    const delivery = {
      endpoint_id: 'we_aaaaaaaaaaaaaaaa',
      status: 'delivered' as const,
      attempts: 1,
      http_status: 204,
      duration_ms: 9,
      error: null,
      next_attempt_at: null,
      redelivery: false,
      created_at: 1,
      delivered_at: 1,
      attempt_history: [],
    };
    const logged: LoggedEventWithDeliveries = {
      event: { id: 'evt_aaaaaaaaaaaaaaaa', type: 'task.completed', created_at: 5, data: task },
      deliveries: [delivery],
    };
    expect(presentLoggedEvent(logged, presenter)).toEqual({
      id: 'evt_aaaaaaaaaaaaaaaa',
      type: 'task.completed',
      created_at: 5,
      data: { ...task, presented: true },
      deliveries: [delivery],
    });
  });
});
