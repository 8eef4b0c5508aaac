import { AutomationSchema } from '@mediaflow/contracts';
import { toAutomationObject, toDeletedAutomation } from './automation-object';
import type { AutomationEntity } from './automation.entity';

const entity = (overrides: Partial<AutomationEntity> = {}): AutomationEntity => ({
  id: 'auto_abcdefgh12345678',
  project_id: 'prj_abcdefgh12345678',
  name: 'Process uploads',
  description: 'Generate summary, thumbnail, and subtitles for all uploads',
  workflow: [
    { kind: 'summary' },
    { kind: 'image', options: { width: 320, format: 'png' } },
    { kind: 'subtitles' },
  ],
  trigger: null,
  status: 'active',
  // The claim of the Idempotency-Key it was made with: never part of the answer.
  idempotency_key: '0b6a1f3e-8c55-4a0e-9f0f-5d7c1d6f2e11',
  created_at: new Date('2025-01-01T00:03:45.999Z'),
  updated_at: new Date('2025-01-02T10:00:00.000Z'),
  ...overrides,
});

describe('toAutomationObject', () => {
  it('gives the API object of docs/http-api.md, with Unix-second timestamps and no project id', () => {
    const object = toAutomationObject(entity());
    expect(object).toEqual({
      id: 'auto_abcdefgh12345678',
      object: 'automation',
      name: 'Process uploads',
      description: 'Generate summary, thumbnail, and subtitles for all uploads',
      workflow: [
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ],
      trigger: null,
      status: 'active',
      created_at: 1735689825,
      updated_at: 1735812000,
    });
    expect(AutomationSchema.parse(object)).toEqual(object);
  });

  it('answers the trigger as stored', () => {
    const trigger = {
      kind: 'event' as const,
      event: 'file.created' as const,
      conditions: [{ prop: 'kind' as const, value: 'video' }],
    };
    expect(toAutomationObject(entity({ trigger })).trigger).toEqual(trigger);
  });

  it('keeps a missing description as null and a paused status', () => {
    const object = toAutomationObject(entity({ description: null, status: 'paused' }));
    expect(object.description).toBeNull();
    expect(object.status).toBe('paused');
  });
});

describe('toDeletedAutomation', () => {
  it('answers a delete as docs/http-api.md shows', () => {
    expect(toDeletedAutomation('auto_abcdefgh12345678')).toEqual({
      id: 'auto_abcdefgh12345678',
      object: 'automation',
      deleted: true,
    });
  });
});
