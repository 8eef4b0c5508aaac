import {
  CreateWebhookEndpointBodySchema,
  UpdateWebhookEndpointBodySchema,
  endpointWants,
} from './webhook-endpoints';

describe('endpointWants', () => {
  it.each<[string[], string, boolean]>([
    [['*'], 'task.completed', true],
    [['*'], 'automation.deleted', true],
    [['task.completed'], 'task.completed', true],
    [['task.completed'], 'task.failed', false],
    [['task.failed', 'file.created'], 'file.created', true],
    [['file.created'], 'file.deleted', false],
    [['task.completed'], 'task.progress', false],
  ])('%p wants %s: %p', (enabled, type, wants) => {
    expect(endpointWants(enabled, type)).toBe(wants);
  });
});

describe('CreateWebhookEndpointBodySchema', () => {
  const url = 'https://hooks.example.com/mediaflow';

  it('keeps each type once, in the order given', () => {
    expect(
      CreateWebhookEndpointBodySchema.parse({
        url,
        enabled_events: ['task.failed', 'file.created', 'task.failed'],
      }),
    ).toEqual({ url, enabled_events: ['task.failed', 'file.created'] });
  });

  it.each([
    [{ url, enabled_events: [] }, 'enabled_events'],
    [{ url, enabled_events: ['task.progress'] }, 'enabled_events.0'],
    [{ url, enabled_events: ['*', 'task.failed'] }, 'enabled_events'],
    [{ url, enabled_events: 'task.failed' }, 'enabled_events'],
    [{ url: 'ftp://hooks.example.com/', enabled_events: ['*'] }, 'url'],
    [{ enabled_events: ['*'] }, 'url'],
    [{ url, enabled_events: ['*'], status: 'failing' }, 'status'],
    [{ url, enabled_events: ['*'], secret: 'mine' }, ''],
  ])('refuses %p at %p', (body, path) => {
    const result = CreateWebhookEndpointBodySchema.safeParse(body);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]!.path.join('.')).toBe(path);
  });
});

describe('UpdateWebhookEndpointBodySchema', () => {
  it('takes any of url, enabled_events and status, alone', () => {
    expect(UpdateWebhookEndpointBodySchema.parse({ status: 'paused' })).toEqual({
      status: 'paused',
    });
    expect(UpdateWebhookEndpointBodySchema.parse({ enabled_events: ['*'] })).toEqual({
      enabled_events: ['*'],
    });
  });

  it('refuses a secret: it is rotated, never set', () => {
    expect(UpdateWebhookEndpointBodySchema.safeParse({ secret: 'whsec_mine' }).success).toBe(false);
  });
});
