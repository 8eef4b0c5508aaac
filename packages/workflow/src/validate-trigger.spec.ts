import type { ErrorDetail } from '@mediaflow/contracts';
import { validateTrigger } from './validate-trigger';

describe('validateTrigger', () => {
  it('keeps null: the automation runs on demand only', () => {
    expect(validateTrigger(null)).toStrictEqual({ ok: true, trigger: null });
  });

  it.each<[string, unknown]>([
    ['left out', undefined],
    ['empty', []],
  ])('stores conditions %s as an empty list: every file', (_name, conditions) => {
    expect(validateTrigger({ kind: 'event', event: 'file.created', conditions })).toStrictEqual({
      ok: true,
      trigger: { kind: 'event', event: 'file.created', conditions: [] },
    });
  });

  it('keeps conditions as written, operators left out included', () => {
    const conditions = [
      { prop: 'kind', value: 'video' },
      { prop: 'duration', operator: '<=', value: 600 },
      { prop: 'format', operator: 'in', value: ['mp4', 'mov'] },
    ];
    expect(validateTrigger({ kind: 'event', event: 'file.created', conditions })).toStrictEqual({
      ok: true,
      trigger: { kind: 'event', event: 'file.created', conditions },
    });
  });

  it.each<[string, unknown, ErrorDetail[]]>([
    ['a string', 'file.created', [{ path: 'trigger', message: 'must be an object or null' }]],
    ['an array', [], [{ path: 'trigger', message: 'must be an object or null' }]],
    [
      'nothing in it',
      {},
      [
        { path: 'trigger.kind', message: 'is required' },
        { path: 'trigger.event', message: 'is required' },
      ],
    ],
    [
      'another kind and an unknown event',
      { kind: 'schedule', event: 'file.deleted' },
      [
        { path: 'trigger.kind', message: 'must be event' },
        { path: 'trigger.event', message: 'must be one of: file.created' },
      ],
    ],
    [
      'an unknown field',
      { kind: 'event', event: 'file.created', cron: '* * * * *' },
      [{ path: 'trigger.cron', message: 'is not a field of a trigger' }],
    ],
    [
      'conditions that are not a list',
      { kind: 'event', event: 'file.created', conditions: { prop: 'kind', value: 'video' } },
      [{ path: 'trigger.conditions', message: 'must be an array of conditions' }],
    ],
    [
      'a condition on an unknown property and one with the wrong operator',
      {
        kind: 'event',
        event: 'file.created',
        conditions: [
          { prop: 'colour', value: 'red' },
          { prop: 'kind', operator: '>', value: 'video' },
        ],
      },
      [
        {
          path: 'trigger.conditions[0].prop',
          message:
            'must be one of: kind, mimetype, format, width, height, duration, fps, filesize, has_audio, has_video, orientation',
        },
        {
          path: 'trigger.conditions[1].operator',
          message:
            '> does not apply to kind, a string; use one of: ==, !=, in, not_in, contains, starts_with',
        },
      ],
    ],
    [
      '33 conditions',
      {
        kind: 'event',
        event: 'file.created',
        conditions: Array.from({ length: 33 }, () => ({ prop: 'has_audio', value: true })),
      },
      [{ path: 'trigger.conditions', message: 'must have at most 32 conditions' }],
    ],
  ])('refuses %s, naming each path', (_name, trigger, details) => {
    expect(validateTrigger(trigger)).toStrictEqual({ ok: false, details });
  });

  it('reports under the path it is given', () => {
    expect(validateTrigger({ kind: 'event' }, ['body', 'trigger'])).toStrictEqual({
      ok: false,
      details: [{ path: 'body.trigger.event', message: 'is required' }],
    });
  });
});
