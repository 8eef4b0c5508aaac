import {
  AutomationSchema,
  AutomationTriggerBodySchema,
  AutomationTriggerSchema,
  CreateAutomationBodySchema,
} from './automation';

const automation = {
  id: 'auto_abcdefgh12345678',
  object: 'automation',
  name: 'Transcode uploads',
  description: null,
  workflow: [{ kind: 'video', options: { width: 1280 } }],
  status: 'active',
  created_at: 1_800_000_000,
  updated_at: 1_800_000_000,
};

describe('the trigger of an automation', () => {
  it('is null on an automation run on demand, and required in the object', () => {
    expect(AutomationSchema.parse({ ...automation, trigger: null }).trigger).toBeNull();
    expect(AutomationSchema.safeParse(automation).success).toBe(false);
  });

  it('is stored with its conditions always present', () => {
    const trigger = {
      kind: 'event',
      event: 'file.created',
      conditions: [{ prop: 'kind', value: 'video' }],
    };
    expect(AutomationSchema.parse({ ...automation, trigger }).trigger).toEqual(trigger);
    expect(
      AutomationTriggerSchema.safeParse({ kind: 'event', event: 'file.created' }).success,
    ).toBe(false);
  });

  it.each([
    [{ kind: 'event', event: 'file.deleted', conditions: [] }],
    [{ kind: 'schedule', event: 'file.created', conditions: [] }],
    [{ kind: 'event', event: 'file.created', conditions: [], extra: true }],
    [{ kind: 'event', event: 'file.created', conditions: [{ prop: 'colour', value: 'red' }] }],
  ])('refuses %j', (trigger) => {
    expect(AutomationTriggerSchema.safeParse(trigger).success).toBe(false);
  });

  it('may be written without conditions, or as null, in a create body', () => {
    expect(AutomationTriggerBodySchema.parse({ kind: 'event', event: 'file.created' })).toEqual({
      kind: 'event',
      event: 'file.created',
    });
    const body = { name: 'n', workflow: automation.workflow };
    expect(CreateAutomationBodySchema.parse({ ...body, trigger: null }).trigger).toBeNull();
    expect(CreateAutomationBodySchema.parse(body).trigger).toBeUndefined();
  });
});
