import type { ErrorDetail } from '@mediaflow/contracts';
import { validateWorkflow } from './validate-workflow';

/** The four seed examples of docs/http-api.md, verbatim. */
const SEEDS: [string, unknown[]][] = [
  [
    'upload processing',
    [
      { kind: 'summary' },
      { kind: 'image', options: { width: 320, format: 'png' } },
      { kind: 'subtitles' },
    ],
  ],
  [
    'social media',
    [
      { kind: 'nsfw' },
      { kind: 'summary' },
      { kind: 'image', options: { width: 160, format: 'webp' } },
    ],
  ],
  [
    'short video',
    [
      {
        kind: 'video',
        options: { width: 1280, format: 'mp4', quality: 'high' },
        next: [{ kind: 'thumbnails' }],
      },
    ],
  ],
  [
    'messaging',
    [
      {
        kind: 'conditions',
        conditions: [
          { prop: 'kind', value: 'image' },
          { prop: 'width', operator: '>', value: 1280 },
        ],
        next: [{ kind: 'image', options: { width: 1280 } }],
      },
    ],
  ],
];

/** `depth` steps, each the only `next` of the one before; built without recursion. */
function chain(depth: number): unknown[] {
  let step: Record<string, unknown> = { kind: 'summary' };
  for (let i = 1; i < depth; i++) step = { kind: 'summary', next: [step] };
  return [step];
}

const nested = (depth: number) => 'workflow[0]' + '.next[0]'.repeat(depth - 1);
const refused = (details: ErrorDetail[]) => ({ ok: false, details });
const one = (path: string, message: string) => refused([{ path, message }]);

describe('validateWorkflow: valid workflows', () => {
  it.each(SEEDS)('accepts the %s seed verbatim and stores it unchanged', (_name, workflow) => {
    expect(validateWorkflow(workflow)).toStrictEqual({ ok: true, workflow });
  });

  it.each<[string, unknown[]]>([
    [
      'parallel steps',
      [{ kind: 'video' }, { kind: 'audio', format: 'wav' }, { kind: 'speech' }, { kind: 'nsfw' }],
    ],
    [
      'a next chain three deep',
      [
        {
          kind: 'video',
          width: 640,
          next: [{ kind: 'video', format: 'webm', next: [{ kind: 'thumbnails', count: 10 }] }],
        },
      ],
    ],
    [
      'image after nsfw on the top level (nsfw passes its input on)',
      [{ kind: 'nsfw', next: [{ kind: 'image' }] }],
    ],
    [
      'video after summary (summary passes its input on)',
      [{ kind: 'summary', next: [{ kind: 'video' }] }],
    ],
    ['summary of subtitles (a track)', [{ kind: 'subtitles', next: [{ kind: 'summary' }] }]],
    ['image of a video', [{ kind: 'video', next: [{ kind: 'image', start: 1 }] }]],
    [
      'video under the else of a kind == image condition',
      [
        {
          kind: 'conditions',
          conditions: [{ prop: 'kind', value: 'image' }],
          next: [{ kind: 'image' }],
          else: [{ kind: 'video' }],
        },
      ],
    ],
    [
      'a branch that can never be taken but holds only a conditions step with no task under it',
      [
        {
          kind: 'subtitles',
          next: [
            {
              kind: 'conditions',
              conditions: [{ prop: 'kind', value: 'video' }],
              next: [],
              else: [{ kind: 'summary' }],
            },
          ],
        },
      ],
    ],
    ['the depth limit exactly', chain(8)],
    ['the step limit exactly', Array.from({ length: 64 }, () => ({ kind: 'summary' }))],
  ])('accepts %s', (_name, workflow) => {
    expect(validateWorkflow(workflow)).toMatchObject({ ok: true });
  });

  it('stores flat options under options and leaves the input untouched', () => {
    const input = [
      {
        kind: 'image',
        width: 320,
        format: 'png',
        ref: 'thumb',
        next: [{ kind: 'summary', options: {}, max_words: 20 }],
      },
    ];
    const before = JSON.stringify(input);
    expect(validateWorkflow(input)).toStrictEqual({
      ok: true,
      workflow: [
        {
          kind: 'image',
          options: { width: 320, format: 'png' },
          ref: 'thumb',
          next: [{ kind: 'summary', options: { max_words: 20 } }],
        },
      ],
    });
    expect(JSON.stringify(input)).toBe(before);
  });

  it('reports paths under the path it is given', () => {
    expect(validateWorkflow([{ kind: 'teleport' }], { path: ['body', 'workflow'] })).toMatchObject(
      refused([
        { path: 'body.workflow[0].kind', message: expect.stringMatching(/^must be one of/) },
      ]),
    );
    expect(validateWorkflow([{}], { path: [] })).toStrictEqual(one('[0].kind', 'is required'));
  });
});

describe('validateWorkflow: options', () => {
  it.each<[string, Record<string, unknown>, ErrorDetail[]]>([
    ['video width 7680', { kind: 'video', width: 7680 }, []],
    [
      'video width 7682',
      { kind: 'video', width: 7682 },
      [{ path: 'workflow[0].options.width', message: 'must be ≤ 7680' }],
    ],
    [
      'odd video width',
      { kind: 'video', width: 1279 },
      [{ path: 'workflow[0].options.width', message: 'must be an even number' }],
    ],
    [
      'video height 14',
      { kind: 'video', height: 14 },
      [{ path: 'workflow[0].options.height', message: 'must be ≥ 16' }],
    ],
    ['video quality 100', { kind: 'video', quality: 100 }, []],
    [
      'video quality 101',
      { kind: 'video', quality: 101 },
      [{ path: 'workflow[0].options.quality', message: 'must be ≤ 100' }],
    ],
    [
      "video quality 'ultra'",
      { kind: 'video', quality: 'ultra' },
      [
        {
          path: 'workflow[0].options.quality',
          message: 'must be low, medium, high, very_high or a whole number from 1 to 100',
        },
      ],
    ],
    [
      'video fps 121',
      { kind: 'video', fps: 121 },
      [{ path: 'workflow[0].options.fps', message: 'must be ≤ 120' }],
    ],
    [
      'video start after end',
      { kind: 'video', start: 10, end: 5 },
      [{ path: 'workflow[0].options.end', message: 'must be greater than start' }],
    ],
    [
      'video start equal to end',
      { kind: 'video', options: { start: 5, end: 5 } },
      [{ path: 'workflow[0].options.end', message: 'must be greater than start' }],
    ],
    [
      'h264 in webm',
      { kind: 'video', format: 'webm', codec: 'h264' },
      [
        {
          path: 'workflow[0].options.codec',
          message: 'h264 cannot be stored in webm: must be one of: vp9, av1',
        },
      ],
    ],
    [
      'vp9 in the default mp4',
      { kind: 'video', codec: 'vp9' },
      [
        {
          path: 'workflow[0].options.codec',
          message: 'vp9 cannot be stored in mp4: must be one of: h264, h265, av1',
        },
      ],
    ],
    ['vp9 in webm', { kind: 'video', format: 'webm', codec: 'vp9' }, []],
    ['image width 16384', { kind: 'image', width: 16384 }, []],
    [
      'image width 16385',
      { kind: 'image', width: 16385 },
      [{ path: 'workflow[0].options.width', message: 'must be ≤ 16384' }],
    ],
    [
      'image width 1.5',
      { kind: 'image', width: 1.5 },
      [{ path: 'workflow[0].options.width', message: 'must be a whole number' }],
    ],
    [
      'image background "red"',
      { kind: 'image', background: 'red' },
      [
        {
          path: 'workflow[0].options.background',
          message: 'must be a hex colour such as "#000000"',
        },
      ],
    ],
    ['thumbnails count 400', { kind: 'thumbnails', count: 400 }, []],
    [
      'thumbnails count 401',
      { kind: 'thumbnails', count: 401 },
      [{ path: 'workflow[0].options.count', message: 'must be ≤ 400' }],
    ],
    [
      'thumbnails count 0',
      { kind: 'thumbnails', count: 0 },
      [{ path: 'workflow[0].options.count', message: 'must be ≥ 1' }],
    ],
    ['thumbnails interval 0.1', { kind: 'thumbnails', interval: 0.1 }, []],
    [
      'thumbnails interval 0.05',
      { kind: 'thumbnails', interval: 0.05 },
      [{ path: 'workflow[0].options.interval', message: 'must be ≥ 0.1' }],
    ],
    [
      'thumbnails interval 3601',
      { kind: 'thumbnails', interval: 3601 },
      [{ path: 'workflow[0].options.interval', message: 'must be ≤ 3600' }],
    ],
    [
      'thumbnails count and interval',
      { kind: 'thumbnails', count: 10, interval: 2 },
      [{ path: 'workflow[0].options.interval', message: 'give count or interval, not both' }],
    ],
    ['audio channels 2', { kind: 'audio', channels: 2 }, []],
    [
      'audio channels 3',
      { kind: 'audio', channels: 3 },
      [{ path: 'workflow[0].options.channels', message: 'must be one of: 1, 2' }],
    ],
    [
      'audio bitrate 31',
      { kind: 'audio', bitrate: 31 },
      [{ path: 'workflow[0].options.bitrate', message: 'must be ≥ 32' }],
    ],
    [
      'audio sample_rate 48001',
      { kind: 'audio', sample_rate: 48001 },
      [{ path: 'workflow[0].options.sample_rate', message: 'must be ≤ 48000' }],
    ],
    ['nsfw threshold 1', { kind: 'nsfw', threshold: 1 }, []],
    [
      'nsfw threshold 1.5',
      { kind: 'nsfw', threshold: 1.5 },
      [{ path: 'workflow[0].options.threshold', message: 'must be ≤ 1' }],
    ],
    ['subtitles max_lines 3', { kind: 'subtitles', max_lines: 3 }, []],
    [
      'subtitles max_lines 4',
      { kind: 'subtitles', max_lines: 4 },
      [{ path: 'workflow[0].options.max_lines', message: 'must be ≤ 3' }],
    ],
    [
      'subtitles format ass',
      { kind: 'subtitles', format: 'ass' },
      [{ path: 'workflow[0].options.format', message: 'must be one of: vtt, srt' }],
    ],
    ['summary max_words 10', { kind: 'summary', max_words: 10 }, []],
    [
      'summary max_words 9',
      { kind: 'summary', max_words: 9 },
      [{ path: 'workflow[0].options.max_words', message: 'must be ≥ 10' }],
    ],
    [
      "speech language 'eng'",
      { kind: 'speech', language: 'eng' },
      [
        {
          path: 'workflow[0].options.language',
          message: 'must be a two-letter ISO 639-1 code such as "en"',
        },
      ],
    ],
    [
      'an unknown option',
      { kind: 'video', foo: 1 },
      [{ path: 'workflow[0].options.foo', message: 'is not an option of video' }],
    ],
    [
      'an unknown option inside options',
      { kind: 'summary', options: { words: 50 } },
      [{ path: 'workflow[0].options.words', message: 'is not an option of summary' }],
    ],
    [
      'a string for a number',
      { kind: 'video', width: '1280' },
      [{ path: 'workflow[0].options.width', message: 'must be a number' }],
    ],
    [
      'a string for a boolean',
      { kind: 'audio', normalize: 'yes' },
      [{ path: 'workflow[0].options.normalize', message: 'must be a boolean' }],
    ],
    [
      'a file name with a slash',
      { kind: 'video', filename: '../x.mp4' },
      [
        {
          path: 'workflow[0].options.filename',
          message: 'must be a plain file name without slashes',
        },
      ],
    ],
    [
      'options that are not an object',
      { kind: 'video', options: [] },
      [{ path: 'workflow[0].options', message: 'must be an object' }],
    ],
    [
      'the same option flat and in options',
      { kind: 'video', width: 640, options: { width: 640 } },
      [{ path: 'workflow[0].width', message: 'is given both beside kind and in options' }],
    ],
  ])('%s', (_name, step, details) => {
    const result = validateWorkflow([step]);
    if (details.length === 0) expect(result).toMatchObject({ ok: true });
    else expect(result).toStrictEqual(refused(details));
  });
});

describe('validateWorkflow: output size', () => {
  // MAX_OUTPUT_PIXELS is 100 000 000: 10000 × 10000 exactly.
  const overLimit = (path: string, width: number, height: number) =>
    one(
      path,
      `${width} × ${height} is ${width * height} pixels: an output may have at most 100000000 (width × height)`,
    );

  it('takes an image box of exactly the limit, under options or flat', () => {
    expect(
      validateWorkflow([
        { kind: 'image', options: { width: 10_000, height: 10_000, fit: 'fill' } },
      ]),
    ).toMatchObject({ ok: true });
    expect(validateWorkflow([{ kind: 'image', width: 10_000, height: 10_000 }])).toMatchObject({
      ok: true,
    });
  });

  it('refuses 16384 × 16384 fill at the path of its height, naming the limit', () => {
    expect(
      validateWorkflow([
        { kind: 'image', options: { width: 16_384, height: 16_384, fit: 'fill' } },
      ]),
    ).toStrictEqual(overLimit('workflow[0].options.height', 16_384, 16_384));
  });

  it('refuses a box one row past the limit with the default fit, deep in a tree, written flat', () => {
    const workflow = [
      { kind: 'summary', next: [{ kind: 'image', width: 10_000, height: 10_001, format: 'png' }] },
    ];
    expect(validateWorkflow(workflow)).toStrictEqual(
      overLimit('workflow[0].next[0].options.height', 10_000, 10_001),
    );
  });

  it('takes a large box with inside or outside, which never enlarge the input', () => {
    for (const fit of ['inside', 'outside']) {
      expect(
        validateWorkflow([{ kind: 'image', width: 16_384, height: 16_384, fit }]),
      ).toMatchObject({ ok: true });
    }
  });

  it('takes the largest video box, which is under the limit', () => {
    expect(
      validateWorkflow([{ kind: 'video', width: 7680, height: 7680, fit: 'fill' }]),
    ).toMatchObject({ ok: true });
  });
});

describe('validateWorkflow: structure', () => {
  it.each<[string, unknown, ErrorDetail[]]>([
    ['an object', { kind: 'video' }, [{ path: 'workflow', message: 'must be an array of steps' }]],
    ['null', null, [{ path: 'workflow', message: 'must be an array of steps' }]],
    ['an empty array', [], [{ path: 'workflow', message: 'must have at least one step' }]],
    ['a null step', [null], [{ path: 'workflow[0]', message: 'must be an object' }]],
    [
      'a step that is an array',
      [[{ kind: 'video' }]],
      [{ path: 'workflow[0]', message: 'must be an object' }],
    ],
    [
      'a step that is a string',
      [{ kind: 'video' }, 'audio'],
      [{ path: 'workflow[1]', message: 'must be an object' }],
    ],
    [
      'a step without kind',
      [{ width: 320 }],
      [{ path: 'workflow[0].kind', message: 'is required' }],
    ],
    [
      'a kind that is not a string',
      [{ kind: 5 }],
      [{ path: 'workflow[0].kind', message: 'must be a string' }],
    ],
    [
      'an unknown kind',
      [{ kind: 'transcode' }],
      [
        {
          path: 'workflow[0].kind',
          message:
            'must be one of: video, audio, thumbnails, image, nsfw, speech, subtitles, summary, conditions',
        },
      ],
    ],
    [
      'ingest',
      [{ kind: 'ingest' }],
      [
        {
          path: 'workflow[0].kind',
          message:
            'ingest is added by the scheduler to runs that start from a URL; do not write it in a workflow',
        },
      ],
    ],
    [
      'else on a task step',
      [{ kind: 'video', else: [] }],
      [{ path: 'workflow[0].else', message: 'is only for conditions steps' }],
    ],
    [
      'next that is not an array',
      [{ kind: 'video', next: { kind: 'audio' } }],
      [{ path: 'workflow[0].next', message: 'must be an array of steps' }],
    ],
    [
      'a ref with capitals',
      [{ kind: 'video', ref: 'Web' }],
      [
        {
          path: 'workflow[0].ref',
          message: 'must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
        },
      ],
    ],
    [
      'a ref starting with -',
      [{ kind: 'video', ref: '-web' }],
      [
        {
          path: 'workflow[0].ref',
          message: 'must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
        },
      ],
    ],
    [
      'a ref of 65 characters',
      [{ kind: 'video', ref: 'a'.repeat(65) }],
      [
        {
          path: 'workflow[0].ref',
          message: 'must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
        },
      ],
    ],
    [
      'a ref that is a number',
      [{ kind: 'video', ref: 5 }],
      [{ path: 'workflow[0].ref', message: 'must be a string' }],
    ],
    [
      'a duplicate ref',
      [
        { kind: 'summary', ref: 'x' },
        { kind: 'video', next: [{ kind: 'image', ref: 'x' }] },
      ],
      [{ path: 'workflow[1].next[0].ref', message: '"x" is already the ref of workflow[0]' }],
    ],
    [
      'a conditions step with no steps to run',
      [{ kind: 'conditions', conditions: [{ prop: 'width', value: 1 }] }],
      [{ path: 'workflow[0]', message: 'needs at least one step in next or else' }],
    ],
    [
      'a conditions step without conditions',
      [{ kind: 'conditions', next: [{ kind: 'video' }] }],
      [{ path: 'workflow[0].conditions', message: 'is required' }],
    ],
    [
      'a conditions step with an option',
      [
        {
          kind: 'conditions',
          conditions: [{ prop: 'width', value: 1 }],
          width: 5,
          next: [{ kind: 'video' }],
        },
      ],
      [{ path: 'workflow[0].width', message: 'is not a field of a conditions step' }],
    ],
    [
      'an else that is not an array',
      [{ kind: 'conditions', conditions: [{ prop: 'width', value: 1 }], else: 'video' }],
      [{ path: 'workflow[0].else', message: 'must be an array of steps' }],
    ],
    [
      'a bad step under a step of unknown kind',
      [{ kind: 'teleport', next: [{ kind: 'video', width: 2 }] }],
      [
        {
          path: 'workflow[0].kind',
          message:
            'must be one of: video, audio, thumbnails, image, nsfw, speech, subtitles, summary, conditions',
        },
        { path: 'workflow[0].next[0].options.width', message: 'must be ≥ 16' },
      ],
    ],
  ])('refuses %s', (_name, workflow, details) => {
    expect(validateWorkflow(workflow)).toStrictEqual(refused(details));
  });

  it.each<[string, Record<string, unknown>]>([
    ['>=', { prop: 'width', operator: '>=', value: 1280 }],
    ['in', { prop: 'format', operator: 'in', value: ['mp4', 'mov'] }],
    ['the default operator', { prop: 'has_audio', value: true }],
  ])('keeps a condition (%s) as written', (_name, condition) => {
    const workflow = [{ kind: 'conditions', conditions: [condition], next: [{ kind: 'summary' }] }];
    expect(validateWorkflow(workflow)).toStrictEqual({ ok: true, workflow });
  });

  it('refuses a misused condition at its path inside the workflow', () => {
    const workflow = [
      {
        kind: 'video',
        next: [
          {
            kind: 'conditions',
            conditions: [{ prop: 'kind', operator: '>', value: 'video' }],
            next: [{ kind: 'image' }],
          },
        ],
      },
    ];
    expect(validateWorkflow(workflow)).toStrictEqual(
      one(
        'workflow[0].next[0].conditions[0].operator',
        '> does not apply to kind, a string; use one of: ==, !=, in, not_in, contains, starts_with',
      ),
    );
  });
});

describe('validateWorkflow: inputs along chains', () => {
  const conditions = (
    condition: Record<string, unknown>,
    next: unknown[],
    otherwise?: unknown[],
  ) => [
    {
      kind: 'conditions',
      conditions: [condition],
      next,
      ...(otherwise ? { else: otherwise } : {}),
    },
  ];

  it.each<[string, unknown[], string, string]>([
    [
      'video after subtitles',
      [{ kind: 'subtitles', next: [{ kind: 'video' }] }],
      'workflow[0].next[0].kind',
      'video cannot take the track made by subtitles at workflow[0]',
    ],
    [
      'thumbnails after audio',
      [{ kind: 'audio', next: [{ kind: 'thumbnails' }] }],
      'workflow[0].next[0].kind',
      'thumbnails cannot take the audio made by audio at workflow[0]',
    ],
    [
      'audio after image, deep in a chain',
      [{ kind: 'video', next: [{ kind: 'image', next: [{ kind: 'audio' }] }] }],
      'workflow[0].next[0].next[0].kind',
      'audio cannot take the image made by image at workflow[0].next[0]',
    ],
    [
      'video under a kind == image condition',
      conditions({ prop: 'kind', value: 'image' }, [{ kind: 'video' }]),
      'workflow[0].next[0].kind',
      'video cannot take the source file here: after the conditions at workflow[0] it can only be image',
    ],
    [
      'thumbnails under kind in [image, audio]',
      conditions({ prop: 'kind', operator: 'in', value: ['image', 'audio'] }, [
        { kind: 'thumbnails' },
      ]),
      'workflow[0].next[0].kind',
      'thumbnails cannot take the source file here: after the conditions at workflow[0] it can only be image or audio',
    ],
    [
      'thumbnails under kind != video',
      conditions({ prop: 'kind', operator: '!=', value: 'video' }, [{ kind: 'thumbnails' }]),
      'workflow[0].next[0].kind',
      'thumbnails cannot take the source file here: after the conditions at workflow[0] it can only be image or audio or track',
    ],
    [
      'thumbnails in the else of kind == video',
      conditions(
        { prop: 'kind', value: 'video' },
        [{ kind: 'thumbnails' }],
        [{ kind: 'thumbnails' }],
      ),
      'workflow[0].else[0].kind',
      'thumbnails cannot take the source file here: after the conditions at workflow[0] it can only be image or audio or track',
    ],
    [
      'speech under kind == text (a track)',
      conditions({ prop: 'kind', value: 'text' }, [{ kind: 'speech' }]),
      'workflow[0].next[0].kind',
      'speech cannot take the source file here: after the conditions at workflow[0] it can only be track',
    ],
    [
      'image after speech of an audio-only branch',
      conditions({ prop: 'kind', operator: 'in', value: ['audio', 'image'] }, [
        { kind: 'speech', next: [{ kind: 'image' }] },
      ]),
      'workflow[0].next[0].next[0].kind',
      'image cannot take the source file here: after speech at workflow[0].next[0] it can only be audio',
    ],
    [
      'a step in a branch that nothing can reach',
      [
        {
          kind: 'subtitles',
          next: conditions({ prop: 'kind', value: 'video' }, [{ kind: 'summary' }]),
        },
      ],
      'workflow[0].next[0].next[0].kind',
      'summary would never get an input: the track made by subtitles at workflow[0] cannot get past the conditions at workflow[0].next[0]',
    ],
  ])('refuses %s', (_name, workflow, path, message) => {
    expect(validateWorkflow(workflow)).toStrictEqual(one(path, message));
  });

  it('keeps the else input whole when there is more than one condition', () => {
    const workflow = [
      {
        kind: 'conditions',
        conditions: [
          { prop: 'kind', value: 'image' },
          { prop: 'width', operator: '>', value: 1280 },
        ],
        next: [{ kind: 'image' }],
        else: [{ kind: 'image' }],
      },
    ];
    expect(validateWorkflow(workflow)).toMatchObject({ ok: true });
  });

  it('blames only the step that cannot run, not the steps under it', () => {
    expect(
      validateWorkflow([{ kind: 'audio', next: [{ kind: 'nsfw', next: [{ kind: 'video' }] }] }]),
    ).toStrictEqual(
      one('workflow[0].next[0].kind', 'nsfw cannot take the audio made by audio at workflow[0]'),
    );
  });
});

describe('validateWorkflow: limits', () => {
  const tooMany = one('workflow', 'must have at most 64 steps, counting every next and else step');

  it('refuses 65 parallel steps', () => {
    expect(validateWorkflow(Array.from({ length: 65 }, () => ({ kind: 'summary' })))).toStrictEqual(
      tooMany,
    );
  });

  it('counts nested steps towards the limit', () => {
    const next = Array.from({ length: 32 }, () => ({ kind: 'summary' }));
    const otherwise = Array.from({ length: 32 }, () => ({ kind: 'summary' }));
    const workflow = [
      { kind: 'conditions', conditions: [{ prop: 'width', value: 1 }], next, else: otherwise },
    ];
    expect(validateWorkflow(workflow)).toStrictEqual(tooMany);
    expect(validateWorkflow([{ ...workflow[0], else: otherwise.slice(1) }])).toMatchObject({
      ok: true,
    });
  });

  it('refuses depth 9 with exactly one detail, at the first step too deep', () => {
    expect(validateWorkflow(chain(9))).toStrictEqual(
      one(nested(9), 'is nested too deeply: a workflow may be at most 8 steps deep'),
    );
  });

  it('reports depth once even when several branches are too deep', () => {
    const [deep] = chain(8) as Record<string, unknown>[];
    const result = validateWorkflow([{ kind: 'summary', next: [deep, deep] }]);
    expect(result).toStrictEqual(
      one(
        `workflow[0].next[0]${'.next[0]'.repeat(7)}`,
        'is nested too deeply: a workflow may be at most 8 steps deep',
      ),
    );
  });

  it('refuses a 100000-deep nest without overflowing the stack', () => {
    expect(validateWorkflow(chain(100_000))).toStrictEqual(
      one(nested(9), 'is nested too deeply: a workflow may be at most 8 steps deep'),
    );
  });
});

describe('validateWorkflow: reporting', () => {
  it('reports every problem at once, in document order, with exact paths', () => {
    const workflow = [
      {
        kind: 'video',
        width: 7682,
        ref: 'Bad',
        next: [
          { kind: 'subtitles', max_lines: 4, next: [{ kind: 'video' }] },
          { kind: 'teleport' },
        ],
      },
      {
        kind: 'conditions',
        conditions: [{ prop: 'kind', operator: '>', value: 'video' }],
        next: [{ kind: 'image', options: { width: 16385 } }],
      },
      null,
    ];
    const result = validateWorkflow(workflow);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.details.map((d) => d.path)).toStrictEqual([
      'workflow[0].options.width',
      'workflow[0].ref',
      'workflow[0].next[0].options.max_lines',
      'workflow[0].next[0].next[0].kind',
      'workflow[0].next[1].kind',
      'workflow[1].conditions[0].operator',
      'workflow[1].next[0].options.width',
      'workflow[2]',
    ]);
  });

  it('puts the step-count problem first, before the problems of single steps', () => {
    const workflow = [
      { kind: 'teleport' },
      ...Array.from({ length: 64 }, () => ({ kind: 'summary' })),
    ];
    const result = validateWorkflow(workflow);
    expect(!result.ok && result.details.map((d) => d.path)).toStrictEqual([
      'workflow',
      'workflow[0].kind',
    ]);
  });
});
