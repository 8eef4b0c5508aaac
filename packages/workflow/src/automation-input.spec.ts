import { MediaflowError, type ErrorDetail } from '@mediaflow/contracts';
import { parseAutomationCreate, parseAutomationUpdate } from './automation-input';

const WORKFLOW = [
  { kind: 'summary' },
  { kind: 'image', options: { width: 320, format: 'png' } },
  { kind: 'subtitles' },
];

/** The details of the validation error `run` throws; fails the test when it throws nothing. */
function detailsOf(run: () => unknown): ErrorDetail[] {
  try {
    run();
  } catch (error) {
    if (!(error instanceof MediaflowError)) throw error;
    expect(error.code).toBe('validation_failed');
    expect(error.status).toBe(400);
    expect(error.message).toBe('The request is invalid');
    return error.details ?? [];
  }
  throw new Error('expected a validation_failed error');
}

describe('parseAutomationCreate', () => {
  it('fills in the defaults', () => {
    expect(parseAutomationCreate({ name: 'Process uploads', workflow: WORKFLOW })).toStrictEqual({
      name: 'Process uploads',
      description: null,
      workflow: WORKFLOW,
      trigger: null,
      status: 'active',
    });
  });

  it('keeps a trigger, its conditions filled in', () => {
    expect(
      parseAutomationCreate({
        name: 'Transcode uploads',
        workflow: [{ kind: 'video', width: 1280 }],
        trigger: { kind: 'event', event: 'file.created' },
      }).trigger,
    ).toStrictEqual({ kind: 'event', event: 'file.created', conditions: [] });
  });

  it('trims the name and normalises flat options', () => {
    expect(
      parseAutomationCreate({
        name: '  Thumbs  ',
        description: 'Small previews',
        status: 'paused',
        workflow: [{ kind: 'image', width: 160 }],
      }),
    ).toStrictEqual({
      name: 'Thumbs',
      description: 'Small previews',
      workflow: [{ kind: 'image', options: { width: 160 } }],
      trigger: null,
      status: 'paused',
    });
  });

  it.each<[string, unknown, ErrorDetail[]]>([
    ['a missing name', { workflow: WORKFLOW }, [{ path: 'name', message: 'is required' }]],
    [
      'an empty name',
      { name: '', workflow: WORKFLOW },
      [{ path: 'name', message: 'must not be empty' }],
    ],
    [
      'a blank name',
      { name: '   ', workflow: WORKFLOW },
      [{ path: 'name', message: 'must not be empty' }],
    ],
    [
      'a name of 201 characters',
      { name: 'a'.repeat(201), workflow: WORKFLOW },
      [{ path: 'name', message: 'must have at most 200 characters' }],
    ],
    [
      'a number for description',
      { name: 'a', description: 5, workflow: WORKFLOW },
      [{ path: 'description', message: 'must be a string' }],
    ],
    ['a missing workflow', { name: 'a' }, [{ path: 'workflow', message: 'is required' }]],
    [
      'a workflow that is not an array',
      { name: 'a', workflow: 'summary' },
      [{ path: 'workflow', message: 'must be an array of steps' }],
    ],
    [
      'an unknown field',
      { name: 'a', workflow: WORKFLOW, colour: 'red' },
      [{ path: 'colour', message: 'is not a known field' }],
    ],
    [
      'an invalid status',
      { name: 'a', workflow: WORKFLOW, status: 'stopped' },
      [{ path: 'status', message: 'must be one of: active, paused' }],
    ],
    [
      'a bad name and a bad workflow together',
      { name: '', workflow: [{ kind: 'video', width: 7682 }, { kind: 'ingest' }] },
      [
        { path: 'name', message: 'must not be empty' },
        { path: 'workflow[0].options.width', message: 'must be ≤ 7680' },
        {
          path: 'workflow[1].kind',
          message:
            'ingest is added by the scheduler to runs that start from a URL; do not write it in a workflow',
        },
      ],
    ],
    [
      'a bad workflow and a bad trigger together',
      {
        name: 'a',
        workflow: [{ kind: 'video', width: 7682 }],
        trigger: { kind: 'event', event: 'file.uploaded', conditions: [{ prop: 'size' }] },
      },
      [
        { path: 'workflow[0].options.width', message: 'must be ≤ 7680' },
        { path: 'trigger.event', message: 'must be one of: file.created' },
        {
          path: 'trigger.conditions[0].prop',
          message:
            'must be one of: kind, mimetype, format, width, height, duration, fps, filesize, has_audio, has_video, orientation',
        },
        { path: 'trigger.conditions[0].value', message: 'is required' },
      ],
    ],
    [
      'a trigger with a NUL character',
      {
        name: 'a',
        workflow: WORKFLOW,
        trigger: {
          kind: 'event',
          event: 'file.created',
          conditions: [{ prop: 'format', value: 'a\u0000' }],
        },
      },
      [{ path: 'trigger.conditions[0].value', message: 'must not contain the NUL character' }],
    ],
    ['null', null, [{ path: '', message: 'must be a JSON object' }]],
    ['an array', [{ name: 'a' }], [{ path: '', message: 'must be a JSON object' }]],
  ])('refuses %s', (_name, body, details) => {
    expect(detailsOf(() => parseAutomationCreate(body))).toStrictEqual(details);
  });
});

describe('parseAutomationUpdate', () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown>]>([
    ['status only', { status: 'paused' }, { status: 'paused' }],
    ['a trigger removed', { trigger: null }, { trigger: null }],
    [
      'a trigger set',
      {
        trigger: {
          kind: 'event',
          event: 'file.created',
          conditions: [{ prop: 'kind', value: 'audio' }],
        },
      },
      {
        trigger: {
          kind: 'event',
          event: 'file.created',
          conditions: [{ prop: 'kind', value: 'audio' }],
        },
      },
    ],
    ['a description cleared', { description: null }, { description: null }],
    ['a name, trimmed', { name: ' New ' }, { name: 'New' }],
    [
      'a workflow, normalised',
      { workflow: [{ kind: 'audio', format: 'wav' }] },
      { workflow: [{ kind: 'audio', options: { format: 'wav' } }] },
    ],
  ])('keeps only the fields given: %s', (_name, body, changes) => {
    expect(parseAutomationUpdate(body)).toStrictEqual(changes);
  });

  it.each<[string, unknown, ErrorDetail[]]>([
    [
      'nothing',
      {},
      [
        {
          path: '',
          message: 'body must change at least one of name, description, workflow, trigger, status',
        },
      ],
    ],
    [
      'only an unknown field',
      { colour: 'red' },
      [
        {
          path: '',
          message: 'body must change at least one of name, description, workflow, trigger, status',
        },
        { path: 'colour', message: 'is not a known field' },
      ],
    ],
    ['an empty name', { name: '' }, [{ path: 'name', message: 'must not be empty' }]],
    ['a null name', { name: null }, [{ path: 'name', message: 'must be a string' }]],
    [
      'a null workflow',
      { workflow: null },
      [{ path: 'workflow', message: 'must be an array of steps' }],
    ],
    [
      'an empty workflow',
      { workflow: [] },
      [{ path: 'workflow', message: 'must have at least one step' }],
    ],
    [
      'a bad status and a bad workflow together',
      { status: 'on', workflow: [{ kind: 'subtitles', next: [{ kind: 'video' }] }] },
      [
        { path: 'status', message: 'must be one of: active, paused' },
        {
          path: 'workflow[0].next[0].kind',
          message: 'video cannot take the track made by subtitles at workflow[0]',
        },
      ],
    ],
    ['a string body', 'pause', [{ path: '', message: 'must be a JSON object' }]],
  ])('refuses %s', (_name, body, details) => {
    expect(detailsOf(() => parseAutomationUpdate(body))).toStrictEqual(details);
  });
});
