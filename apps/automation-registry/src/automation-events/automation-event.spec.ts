import { toAutomationEvent, type AutomationOutboxRow } from './automation-event';

// The outbox row as PostgreSQL's to_jsonb writes an automations row.
const row: AutomationOutboxRow = {
  seq: '7',
  event_id: 'evt_0123456789abcdef',
  project_id: 'prj_aaaaaaaaaaaaaaaa',
  type: 'automation.updated',
  automation: {
    id: 'auto_aaaaaaaaaaaaaaaa',
    project_id: 'prj_aaaaaaaaaaaaaaaa',
    name: 'Process uploads',
    description: null,
    workflow: [{ kind: 'image', options: { width: 320 } }],
    trigger: { kind: 'event', event: 'file.created', conditions: [] },
    status: 'paused',
    created_at: '2027-01-01T00:00:00.123456+00:00',
    updated_at: '2027-01-01T00:01:30.999999+00:00',
  },
  created_at: new Date('2027-01-01T00:01:31.000Z'),
};

describe('toAutomationEvent', () => {
  it('is the automation as the API shows it, dated when the change was made', () => {
    expect(toAutomationEvent(row)).toEqual({
      project_id: 'prj_aaaaaaaaaaaaaaaa',
      event: {
        id: 'evt_0123456789abcdef',
        type: 'automation.updated',
        created_at: 1798761691,
        data: {
          id: 'auto_aaaaaaaaaaaaaaaa',
          object: 'automation',
          name: 'Process uploads',
          description: null,
          workflow: [{ kind: 'image', options: { width: 320 } }],
          trigger: { kind: 'event', event: 'file.created', conditions: [] },
          status: 'paused',
          created_at: 1798761600,
          updated_at: 1798761690,
        },
      },
    });
  });

  it('leaves out what the API does not show (the project)', () => {
    expect(toAutomationEvent(row).event.data).not.toHaveProperty('project_id');
  });
});
