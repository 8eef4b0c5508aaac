import type { FileProperties, TaskError, TaskStatus, Workflow } from '@mediaflow/contracts';
import { bareStep } from '../testing/run-steps';
import {
  cancelRun,
  cancelSubtree,
  completeStep,
  failStep,
  skipUnfinished,
  startRun,
} from './advance-run';
import { planRun } from './plan-run';
import type { Advance, RunStep, StepFile } from './run-step';
import { summariseRun } from './summarise-run';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Calls the engine on frozen steps and checks they read the same afterwards:
 * a write would throw (strict mode) or, failing that, show in the comparison.
 */
function change(steps: RunStep[], engine: (steps: RunStep[]) => Advance): Advance {
  const before = structuredClone(steps);
  const advance = engine(deepFreeze(steps));
  expect(steps).toEqual(before);
  // A skipped step always says why; no other step has a reason.
  for (const s of advance.steps)
    expect([s.id, s.status === 'skipped']).toEqual([s.id, s.skipReason !== null]);
  return advance;
}

function plan(workflow: Workflow): RunStep[] {
  let n = 0;
  return planRun(deepFreeze(workflow), () => `task_${++n}`);
}

const file = (id: string, properties: FileProperties): StepFile => ({ id, properties });
const UNREADABLE: TaskError = { code: 'input_unreadable', message: 'The input could not be read' };
const HD_VIDEO = file('file_src', {
  kind: 'video',
  width: 1920,
  height: 1080,
  duration: 12,
  has_audio: true,
  has_video: true,
});
const BIG_IMAGE = file('file_src', { kind: 'image', width: 2000, height: 1500, format: 'jpeg' });
const SMALL_IMAGE = file('file_src', { kind: 'image', width: 800, height: 600, format: 'jpeg' });

/** What a worker of each kind makes; null for data kinds. */
const OUTPUTS: Record<RunStep['kind'], FileProperties | null> = {
  video: {
    kind: 'video',
    width: 1280,
    height: 720,
    duration: 12,
    has_audio: true,
    has_video: true,
  },
  audio: { kind: 'audio', duration: 12, has_audio: true, has_video: false },
  image: { kind: 'image', width: 320, height: 180, format: 'png' },
  thumbnails: { kind: 'track', format: 'vtt' },
  subtitles: { kind: 'track', format: 'vtt' },
  nsfw: null,
  speech: null,
  summary: null,
  conditions: null,
};
const outputOf = (step: RunStep): StepFile | null => {
  const properties = OUTPUTS[step.kind];
  return properties ? file(`file_of_${step.id}`, properties) : null;
};

function step(steps: readonly RunStep[], idOrRef: string): RunStep {
  const found = steps.find((s) => s.id === idOrRef || s.ref === idOrRef);
  if (!found) throw new Error(`no step ${idOrRef}`);
  return found;
}

/** Each step's status, keyed by ref (or id when it has none). */
const statuses = (steps: readonly RunStep[]): Record<string, TaskStatus> =>
  Object.fromEntries(steps.map((s) => [s.ref ?? s.id, s.status]));

/** `started` as the scheduler records it; the engine only reads it. */
const processing = (steps: readonly RunStep[], id: string): RunStep[] =>
  steps.map((s) => (s.id === id ? { ...s, status: 'processing' } : s));

/**
 * Dispatches every ready step in turn, as workers would, completing each
 * with a fake output, until nothing is ready. Returns the final steps and
 * what was dispatched on which input file.
 */
function runToEnd(workflow: Workflow, source: StepFile) {
  let advance = change(plan(workflow), (steps) => startRun(steps, source));
  const queue = [...advance.ready];
  const dispatched: [string, string | undefined][] = [];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    const ready = step(advance.steps, id);
    expect(ready.status).toBe('pending');
    dispatched.push([ready.ref ?? ready.kind, ready.input?.id]);
    advance = change(processing(advance.steps, id), (steps) =>
      completeStep(steps, id, outputOf(ready)),
    );
    queue.push(...advance.ready);
  }
  return { steps: advance.steps, dispatched, summary: summariseRun(advance.steps) };
}

describe('the seed workflows of docs/http-api.md, run to completion', () => {
  it.each<[string, Workflow, StepFile, [string, string][], TaskStatus[]]>([
    [
      '1, upload processing: three parallel steps on the source',
      [
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ],
      HD_VIDEO,
      [
        ['summary', 'file_src'],
        ['image', 'file_src'],
        ['subtitles', 'file_src'],
      ],
      ['completed', 'completed', 'completed'],
    ],
    [
      '2, social media: three parallel steps on the source',
      [
        { kind: 'nsfw' },
        { kind: 'summary' },
        { kind: 'image', options: { width: 160, format: 'webp' } },
      ],
      BIG_IMAGE,
      [
        ['nsfw', 'file_src'],
        ['summary', 'file_src'],
        ['image', 'file_src'],
      ],
      ['completed', 'completed', 'completed'],
    ],
    [
      '3, short video: thumbnails of the transcode',
      [
        {
          kind: 'video',
          options: { width: 1280, format: 'mp4', quality: 'high' },
          next: [{ kind: 'thumbnails' }],
        },
      ],
      HD_VIDEO,
      [
        ['video', 'file_src'],
        ['thumbnails', 'file_of_task_1'],
      ],
      ['completed', 'completed'],
    ],
    [
      '4, messaging, on an image wider than 1280: resized',
      SEED_MESSAGING(),
      BIG_IMAGE,
      [['image', 'file_src']],
      ['completed', 'completed'],
    ],
    [
      '4, messaging, on a narrow image: nothing to do',
      SEED_MESSAGING(),
      SMALL_IMAGE,
      [],
      ['completed', 'skipped'],
    ],
    [
      '4, messaging, on a wide video: not an image',
      SEED_MESSAGING(),
      HD_VIDEO,
      [],
      ['completed', 'skipped'],
    ],
  ])('seed %s', (_name, workflow, source, dispatched, finalStatuses) => {
    const run = runToEnd(workflow, source);
    expect(run.dispatched).toEqual(dispatched);
    expect(run.steps.map((s) => s.status)).toEqual(finalStatuses);
    expect(run.summary).toMatchObject({ status: 'completed', progress: 100 });
  });

  it('records each step its input and its output file, null for data kinds', () => {
    const { steps } = runToEnd(
      [
        { kind: 'nsfw' },
        { kind: 'summary' },
        { kind: 'image', options: { width: 160, format: 'webp' } },
      ],
      BIG_IMAGE,
    );
    expect(steps.map((s) => [s.kind, s.input?.id, s.output?.id ?? null])).toEqual([
      ['nsfw', 'file_src', null],
      ['summary', 'file_src', null],
      ['image', 'file_src', 'file_of_task_3'],
    ]);
  });
});

function SEED_MESSAGING(): Workflow {
  return [
    {
      kind: 'conditions',
      conditions: [
        { prop: 'kind', value: 'image' },
        { prop: 'width', operator: '>', value: 1280 },
      ],
      next: [{ kind: 'image', options: { width: 1280 } }],
    },
  ];
}

describe('startRun', () => {
  it('makes every top-level task step pending on the source, and nothing below them', () => {
    const { steps, ready } = change(
      plan([
        { kind: 'video', ref: 'web', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
        { kind: 'audio', ref: 'sound' },
        { kind: 'nsfw', ref: 'check' },
      ]),
      (s) => startRun(s, HD_VIDEO),
    );
    expect(ready).toEqual(['task_1', 'task_3', 'task_4']);
    expect(statuses(steps)).toEqual({
      web: 'pending',
      thumbs: 'waiting',
      sound: 'pending',
      check: 'pending',
    });
    expect(steps.map((s) => s.input?.id ?? null)).toEqual([
      'file_src',
      null,
      'file_src',
      'file_src',
    ]);
  });

  it('starts nothing twice', () => {
    const started = startRun(plan([{ kind: 'video' }]), HD_VIDEO);
    const again = change(started.steps, (s) => startRun(s, HD_VIDEO));
    expect(again).toEqual({ steps: started.steps, ready: [] });
  });
});

describe('completeStep', () => {
  const CHAIN: Workflow = [
    {
      kind: 'video',
      ref: 'small',
      options: { width: 640 },
      next: [
        {
          kind: 'video',
          ref: 'webm',
          options: { format: 'webm' },
          next: [{ kind: 'thumbnails', ref: 'thumbs' }],
        },
      ],
    },
  ];

  it('runs a three-deep next chain one step at a time, each on the output before it', () => {
    let advance = startRun(plan(CHAIN), HD_VIDEO);
    expect(advance.ready).toEqual(['task_1']);
    expect(statuses(advance.steps)).toEqual({
      small: 'pending',
      webm: 'waiting',
      thumbs: 'waiting',
    });

    advance = change(advance.steps, (s) => completeStep(s, 'task_1', outputOf(step(s, 'task_1'))));
    expect(advance.ready).toEqual(['task_2']);
    expect(statuses(advance.steps)).toEqual({
      small: 'completed',
      webm: 'pending',
      thumbs: 'waiting',
    });
    expect(step(advance.steps, 'webm').input?.id).toBe('file_of_task_1');
    expect(summariseRun(advance.steps)).toMatchObject({ status: 'processing', progress: 33 });

    advance = change(advance.steps, (s) => completeStep(s, 'task_2', outputOf(step(s, 'task_2'))));
    expect(advance.ready).toEqual(['task_3']);
    expect(step(advance.steps, 'thumbs').input?.id).toBe('file_of_task_2');

    advance = change(advance.steps, (s) => completeStep(s, 'task_3', outputOf(step(s, 'task_3'))));
    expect(advance.ready).toEqual([]);
    expect(step(advance.steps, 'thumbs')).toMatchObject({
      status: 'completed',
      output: { id: 'file_of_task_3' },
    });
    expect(summariseRun(advance.steps)).toMatchObject({ status: 'completed', progress: 100 });
  });

  it('runs parallel steps side by side: completing one readies none of the others', () => {
    let advance = startRun(
      plan([
        { kind: 'video', ref: 'web' },
        { kind: 'audio', ref: 'sound' },
        { kind: 'image', ref: 'poster' },
      ]),
      HD_VIDEO,
    );
    expect(advance.ready).toEqual(['task_1', 'task_2', 'task_3']);
    const progress: number[] = [];
    for (const id of ['task_2', 'task_3', 'task_1']) {
      advance = change(advance.steps, (s) => completeStep(s, id, outputOf(step(s, id))));
      expect(advance.ready).toEqual([]);
      progress.push(summariseRun(advance.steps).progress);
    }
    expect(progress).toEqual([33, 66, 100]);
    expect(summariseRun(advance.steps).status).toBe('completed');
  });

  it('gives the next steps of a data kind (nsfw, summary) that step’s own input', () => {
    const started = startRun(
      plan([
        { kind: 'nsfw', ref: 'check', next: [{ kind: 'image', ref: 'safe-poster' }] },
        { kind: 'summary', ref: 'describe', next: [{ kind: 'video', ref: 'web' }] },
      ]),
      HD_VIDEO,
    );
    let advance = change(started.steps, (s) => completeStep(s, 'task_1', null));
    expect(advance.ready).toEqual(['task_2']);
    expect(step(advance.steps, 'check')).toMatchObject({ status: 'completed', output: null });
    expect(step(advance.steps, 'safe-poster')).toMatchObject({
      status: 'pending',
      input: HD_VIDEO,
    });

    advance = change(advance.steps, (s) => completeStep(s, 'task_3', null));
    expect(advance.ready).toEqual(['task_4']);
    expect(step(advance.steps, 'web')).toMatchObject({ status: 'pending', input: HD_VIDEO });
  });

  it('completes a step still pending (its started event may arrive late)', () => {
    const started = startRun(plan([{ kind: 'image', ref: 'poster' }]), HD_VIDEO);
    const { steps } = change(started.steps, (s) =>
      completeStep(s, 'task_1', outputOf(step(s, 'task_1'))),
    );
    expect(statuses(steps)).toEqual({ poster: 'completed' });
  });

  describe('a late or duplicate event changes nothing', () => {
    const started = startRun(
      plan([
        { kind: 'video', ref: 'web', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
        { kind: 'image', ref: 'poster' },
      ]),
      HD_VIDEO,
    );
    const done = completeStep(started.steps, 'task_1', outputOf(step(started.steps, 'task_1')));
    const failed = failStep(started.steps, 'task_3', UNREADABLE);
    const cancelled = cancelRun(started.steps);

    it.each<[string, RunStep[], (steps: RunStep[]) => Advance]>([
      [
        'completing a completed step again',
        done.steps,
        (s) => completeStep(s, 'task_1', file('file_other', {})),
      ],
      [
        'completing a waiting step',
        started.steps,
        (s) => completeStep(s, 'task_2', file('file_other', {})),
      ],
      [
        'completing a failed step',
        failed.steps,
        (s) => completeStep(s, 'task_3', file('file_other', {})),
      ],
      [
        'completing a cancelled step',
        cancelled.steps,
        (s) => completeStep(s, 'task_1', file('file_other', {})),
      ],
      [
        'completing a step that is not in the run',
        started.steps,
        (s) => completeStep(s, 'task_9', null),
      ],
      ['failing a completed step', done.steps, (s) => failStep(s, 'task_1', UNREADABLE)],
      ['failing a failed step again', failed.steps, (s) => failStep(s, 'task_3', UNREADABLE)],
      ['failing a waiting step', started.steps, (s) => failStep(s, 'task_2', UNREADABLE)],
      ['failing a cancelled step', cancelled.steps, (s) => failStep(s, 'task_3', UNREADABLE)],
    ])('%s', (_name, steps, event) => {
      expect(change(steps, event)).toEqual({ steps, ready: [] });
    });
  });

  it('refuses a step with neither input nor output, which only a broken store can hold', () => {
    const broken = plan([{ kind: 'summary' }]).map((s) => ({
      ...s,
      status: 'processing' as const,
    }));
    expect(() => completeStep(broken, 'task_1', null)).toThrow(
      expect.objectContaining({ code: 'internal' }) as unknown as Error,
    );
  });
});

/** Video or not, each branch two deep, beside an unconditional step. */
const BRANCHES: Workflow = [
  {
    kind: 'conditions',
    ref: 'is-video',
    conditions: [{ prop: 'kind', value: 'video' }],
    next: [{ kind: 'video', ref: 'hd', next: [{ kind: 'thumbnails', ref: 'thumbs' }] }],
    else: [{ kind: 'image', ref: 'still', next: [{ kind: 'summary', ref: 'describe' }] }],
  },
  { kind: 'nsfw', ref: 'check' },
];

describe('conditions steps', () => {
  it.each<[string, Workflow, StepFile, string[], Record<string, TaskStatus>]>([
    [
      'conditions that hold take next and skip else with its descendants',
      BRANCHES,
      HD_VIDEO,
      ['task_2', 'task_6'],
      {
        'is-video': 'completed',
        hd: 'pending',
        thumbs: 'waiting',
        still: 'skipped',
        describe: 'skipped',
        check: 'pending',
      },
    ],
    [
      'conditions that fail take else and skip next with its descendants',
      BRANCHES,
      BIG_IMAGE,
      ['task_4', 'task_6'],
      {
        'is-video': 'completed',
        hd: 'skipped',
        thumbs: 'skipped',
        still: 'pending',
        describe: 'waiting',
        check: 'pending',
      },
    ],
    [
      'failing conditions without else skip next with its descendants',
      [
        {
          kind: 'conditions',
          ref: 'has-sound',
          conditions: [{ prop: 'has_audio', value: true }],
          next: [
            { kind: 'subtitles', ref: 'captions', next: [{ kind: 'summary', ref: 'describe' }] },
          ],
        },
      ],
      BIG_IMAGE,
      [],
      { 'has-sound': 'completed', captions: 'skipped', describe: 'skipped' },
    ],
    [
      'a conditions step under a conditions step is decided at once too',
      [
        {
          kind: 'conditions',
          ref: 'is-video',
          conditions: [{ prop: 'kind', value: 'video' }],
          next: [
            {
              kind: 'conditions',
              ref: 'is-hd',
              conditions: [{ prop: 'width', operator: '>=', value: 1280 }],
              next: [{ kind: 'video', ref: 'hd', options: { width: 1280 } }],
              else: [{ kind: 'video', ref: 'sd', options: { width: 640 } }],
            },
          ],
          else: [{ kind: 'image', ref: 'still' }],
        },
      ],
      HD_VIDEO,
      ['task_3'],
      {
        'is-video': 'completed',
        'is-hd': 'completed',
        hd: 'pending',
        sd: 'skipped',
        still: 'skipped',
      },
    ],
    [
      'a conditions step on a text track (kind text)',
      [
        {
          kind: 'conditions',
          ref: 'is-text',
          conditions: [{ prop: 'kind', value: 'text' }],
          next: [{ kind: 'summary', ref: 'describe' }],
          else: [{ kind: 'subtitles', ref: 'captions' }],
        },
      ],
      file('file_src', { kind: 'track', format: 'vtt' }),
      ['task_2'],
      { 'is-text': 'completed', describe: 'pending', captions: 'skipped' },
    ],
  ])('%s', (_name, workflow, source, ready, expected) => {
    const advance = change(plan(workflow), (s) => startRun(s, source));
    expect(advance.ready).toEqual(ready);
    expect(statuses(advance.steps)).toEqual(expected);
  });

  it('passes its input on as its output, and to the branch that runs', () => {
    const { steps } = startRun(plan(SEED_MESSAGING()), BIG_IMAGE);
    expect(steps[0]).toMatchObject({ status: 'completed', input: BIG_IMAGE, output: BIG_IMAGE });
    expect(steps[1]).toMatchObject({ status: 'pending', input: BIG_IMAGE });
  });

  it('decides on the output of the step before it, not on the source', () => {
    const started = startRun(
      plan([
        {
          kind: 'video',
          ref: 'web',
          options: { width: 1280 },
          next: [
            {
              kind: 'conditions',
              ref: 'still-hd',
              conditions: [{ prop: 'width', operator: '>=', value: 1920 }],
              next: [{ kind: 'thumbnails', ref: 'big', options: { width: 640 } }],
              else: [{ kind: 'thumbnails', ref: 'small' }],
            },
          ],
        },
      ]),
      HD_VIDEO,
    );
    const { steps, ready } = change(started.steps, (s) =>
      completeStep(s, 'task_1', outputOf(step(s, 'task_1'))),
    );
    expect(ready).toEqual(['task_4']);
    expect(statuses(steps)).toEqual({
      web: 'completed',
      'still-hd': 'completed',
      big: 'skipped',
      small: 'pending',
    });
    expect(step(steps, 'small').input?.id).toBe('file_of_task_1');
  });

  it('decides after a data kind on the input that kind passed on', () => {
    const started = startRun(
      plan([
        {
          kind: 'summary',
          ref: 'describe',
          next: [
            {
              kind: 'conditions',
              ref: 'is-image',
              conditions: [{ prop: 'kind', value: 'image' }],
              next: [{ kind: 'image', ref: 'poster' }],
            },
          ],
        },
      ]),
      BIG_IMAGE,
    );
    const { steps, ready } = change(started.steps, (s) => completeStep(s, 'task_1', null));
    expect(ready).toEqual(['task_3']);
    expect(step(steps, 'poster')).toMatchObject({ status: 'pending', input: BIG_IMAGE });
  });
});

describe('failStep', () => {
  /** a → b → (c, d); a → f; e beside a. */
  const TREE: Workflow = [
    {
      kind: 'video',
      ref: 'a',
      next: [
        {
          kind: 'video',
          ref: 'b',
          next: [
            { kind: 'thumbnails', ref: 'c' },
            {
              kind: 'conditions',
              ref: 'd',
              conditions: [{ prop: 'has_audio', value: true }],
              next: [{ kind: 'audio', ref: 'd-next' }],
              else: [{ kind: 'image', ref: 'd-else' }],
            },
          ],
        },
        { kind: 'summary', ref: 'f' },
      ],
    },
    { kind: 'image', ref: 'e' },
  ];

  it('fails a middle step, skips its whole subtree and leaves its siblings running', () => {
    let advance = startRun(plan(TREE), HD_VIDEO);
    advance = completeStep(advance.steps, 'task_1', outputOf(step(advance.steps, 'task_1')));
    expect(advance.ready).toEqual(['task_2', 'task_7']);

    advance = change(processing(advance.steps, 'task_2'), (s) => failStep(s, 'task_2', UNREADABLE));
    expect(advance.ready).toEqual([]);
    expect(statuses(advance.steps)).toEqual({
      a: 'completed',
      b: 'failed',
      c: 'skipped',
      d: 'skipped',
      'd-next': 'skipped',
      'd-else': 'skipped',
      f: 'pending',
      e: 'pending',
    });
    expect(summariseRun(advance.steps)).toMatchObject({ status: 'processing', progress: 75 });

    advance = completeStep(advance.steps, 'task_7', null);
    advance = completeStep(advance.steps, 'task_8', outputOf(step(advance.steps, 'task_8')));
    expect(summariseRun(advance.steps)).toMatchObject({ status: 'failed', progress: 100 });
  });

  it('fails a top-level step alone when its siblings already finished', () => {
    const started = startRun(plan(TREE), HD_VIDEO);
    let advance = completeStep(started.steps, 'task_8', outputOf(step(started.steps, 'task_8')));
    advance = change(advance.steps, (s) => failStep(s, 'task_1', UNREADABLE));
    expect(statuses(advance.steps)).toMatchObject({
      a: 'failed',
      b: 'skipped',
      f: 'skipped',
      e: 'completed',
    });
    expect(summariseRun(advance.steps)).toMatchObject({ status: 'failed', progress: 100 });
  });
});

describe('cancelRun', () => {
  it('cancels every step not yet final and leaves the final ones', () => {
    const workflow: Workflow = [
      { kind: 'video', ref: 'web', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
      { kind: 'nsfw', ref: 'check', next: [{ kind: 'image', ref: 'poster' }] },
      { kind: 'audio', ref: 'sound' },
      {
        kind: 'conditions',
        ref: 'is-image',
        conditions: [{ prop: 'kind', value: 'image' }],
        next: [{ kind: 'image', ref: 'resized' }],
      },
    ];
    let advance = startRun(plan(workflow), HD_VIDEO);
    advance = completeStep(advance.steps, 'task_3', null);
    advance = failStep(advance.steps, 'task_5', UNREADABLE);
    const running = processing(advance.steps, 'task_1');

    const cancelled = change(running, cancelRun);
    expect(cancelled.ready).toEqual([]);
    expect(statuses(cancelled.steps)).toEqual({
      web: 'cancelled',
      thumbs: 'cancelled',
      check: 'completed',
      poster: 'cancelled',
      sound: 'failed',
      'is-image': 'completed',
      resized: 'skipped',
    });
    expect(summariseRun(cancelled.steps)).toMatchObject({ status: 'cancelled', progress: 100 });
  });

  it('changes nothing in a run that has ended', () => {
    const { steps } = runToEnd([{ kind: 'video', next: [{ kind: 'thumbnails' }] }], HD_VIDEO);
    expect(change(steps, cancelRun)).toEqual({ steps, ready: [] });
  });
});

describe('cancelSubtree', () => {
  // a → b → c, a → d (completed); e is a sibling of a. Listed out of order on purpose.
  const steps = [
    bareStep('c', 'waiting', 'b'),
    bareStep('a', 'completed'),
    bareStep('b', 'processing', 'a'),
    bareStep('d', 'completed', 'a'),
    bareStep('e', 'processing'),
  ];

  it('cancels the step and what is unfinished below it, not its siblings or finished steps', () => {
    const advance = cancelSubtree(steps, 'b');
    expect(statuses(advance.steps)).toEqual({
      a: 'completed',
      b: 'cancelled',
      c: 'cancelled',
      d: 'completed',
      e: 'processing',
    });
    expect(advance.ready).toEqual([]);
  });

  it('cancels down a whole branch from its top', () => {
    expect(statuses(cancelSubtree(steps, 'a').steps)).toEqual({
      a: 'completed',
      b: 'cancelled',
      c: 'cancelled',
      d: 'completed',
      e: 'processing',
    });
  });

  it('leaves the steps it was given alone', () => {
    cancelSubtree(steps, 'b');
    expect(steps.find((s) => s.id === 'b')!.status).toBe('processing');
  });
});

describe('skipUnfinished', () => {
  it("skips every step not yet final, source_failed with the ingest's error code", () => {
    const advance = skipUnfinished(
      [
        bareStep('a', 'waiting'),
        bareStep('b', 'completed'),
        bareStep('c', 'pending'),
        bareStep('d', 'cancelled'),
      ],
      { code: 'input_unreachable', message: 'The source answered 404' },
    );
    expect(statuses(advance.steps)).toEqual({
      a: 'skipped',
      b: 'completed',
      c: 'skipped',
      d: 'cancelled',
    });
    const reason = {
      code: 'source_failed',
      message:
        "The run's source could not be ingested (input_unreachable), so no step got an input",
    };
    expect(advance.steps.map((s) => s.skipReason)).toEqual([reason, null, reason, null]);
  });
});

const PHOTO = file('file_photo', { kind: 'image', width: 1200, height: 800, format: 'jpeg' });
PHOTO.filename = 'photo.jpg';
const VOICE = file('file_voice', { kind: 'audio', duration: 4, has_audio: true, has_video: false });
VOICE.filename = 'voice.wav';

describe('steps that do not apply to their input', () => {
  /** docs: the first automation of the README, "Process uploads", for all uploads. */
  const PROCESS_UPLOADS: Workflow = [
    { kind: 'summary' },
    { kind: 'image', options: { width: 320, format: 'png' } },
    { kind: 'subtitles' },
  ];

  it.each<[string, StepFile, string[], string, string]>([
    [
      'subtitles on an image',
      PHOTO,
      ['summary', 'image'],
      'subtitles',
      'subtitles takes video or audio; the input is an image (photo.jpg)',
    ],
    [
      'an image resize on audio',
      VOICE,
      ['summary', 'subtitles'],
      'image',
      'image takes image or video; the input is an audio file (voice.wav)',
    ],
  ])(
    '%s: skipped not_applicable, the others run, the run completes',
    (_name, source, runs, kind, message) => {
      const started = change(plan(PROCESS_UPLOADS), (s) => startRun(s, source));
      expect(started.ready.map((id) => step(started.steps, id).kind)).toEqual(runs);
      const skipped = started.steps.find((s) => s.kind === kind)!;
      expect(skipped).toMatchObject({
        status: 'skipped',
        input: source,
        skipReason: { code: 'not_applicable', message },
      });

      const run = runToEnd(PROCESS_UPLOADS, source);
      expect(run.dispatched.map(([kind]) => kind)).toEqual(runs);
      expect(run.summary).toMatchObject({
        status: 'completed',
        progress: 100,
        error: null,
        steps: { completed: 2, skipped: 1, failed: 0, waiting: 0 },
      });
    },
  );

  it('runs every step of it on a video with sound', () => {
    const run = runToEnd(PROCESS_UPLOADS, HD_VIDEO);
    expect(run.steps.map((s) => [s.kind, s.status, s.skipReason])).toEqual([
      ['summary', 'completed', null],
      ['image', 'completed', null],
      ['subtitles', 'completed', null],
    ]);
  });

  it('skips the subtree of a step that does not apply, upstream_skipped, naming it', () => {
    const { steps, ready } = change(
      plan([
        {
          kind: 'subtitles',
          ref: 'captions',
          next: [{ kind: 'summary', ref: 'describe', next: [{ kind: 'image', ref: 'deep' }] }],
        },
        { kind: 'image', ref: 'poster' },
      ]),
      (s) => startRun(s, PHOTO),
    );
    expect(ready).toEqual(['task_4']);
    const below = {
      code: 'upstream_skipped',
      message: 'subtitles "captions" was skipped (not_applicable), so this step got no input',
    };
    expect(steps.map((s) => [s.ref, s.status, s.skipReason])).toEqual([
      [
        'captions',
        'skipped',
        {
          code: 'not_applicable',
          message: 'subtitles takes video or audio; the input is an image (photo.jpg)',
        },
      ],
      ['describe', 'skipped', below],
      ['deep', 'skipped', below],
      ['poster', 'pending', null],
    ]);
  });

  it('skips a step deeper down that cannot take what the step above passed on (the workflow was accepted: it may apply)', () => {
    // thumbnails after summary is valid: summary passes a video on. On a picture it does not apply.
    const started = startRun(
      plan([{ kind: 'summary', next: [{ kind: 'thumbnails', next: [{ kind: 'image' }] }] }]),
      PHOTO,
    );
    expect(started.ready).toEqual(['task_1']);
    const { steps, ready } = change(started.steps, (s) => completeStep(s, 'task_1', null));
    expect(ready).toEqual([]);
    expect(steps.map((s) => [s.status, s.skipReason?.code ?? null, s.skipReason?.message])).toEqual(
      [
        ['completed', null, undefined],
        ['skipped', 'not_applicable', 'thumbnails takes video; the input is an image (photo.jpg)'],
        [
          'skipped',
          'upstream_skipped',
          'thumbnails at workflow[0].next[0] was skipped (not_applicable), so this step got no input',
        ],
      ],
    );
    expect(summariseRun(steps)).toMatchObject({ status: 'completed', progress: 100 });
  });

  it('dispatches a step whose input is of no known kind: its worker decides', () => {
    const unknown = file('file_odd', { mimetype: 'application/octet-stream' });
    expect(startRun(plan([{ kind: 'subtitles' }]), unknown).ready).toEqual(['task_1']);
  });

  it('dispatches a task on its own whatever its input: that task was asked for, and its worker refuses it', () => {
    const { steps, ready } = change(plan([{ kind: 'subtitles' }]), (s) =>
      startRun(s, PHOTO, { standalone: true }),
    );
    expect(ready).toEqual(['task_1']);
    expect(steps[0]).toMatchObject({ status: 'pending', skipReason: null });
  });

  it('names every accepted kind of a kind that takes many', () => {
    const data = file('file_json', { kind: 'data' });
    data.filename = 'notes.json';
    const { steps } = startRun(plan([{ kind: 'summary' }]), data);
    expect(steps[0]!.skipReason?.message).toBe(
      'summary takes video, audio, image or track; the input is a data file (notes.json)',
    );
  });
});

describe('skip reasons for the other causes', () => {
  it('branch_not_taken on next when the conditions did not hold, upstream_skipped below', () => {
    const { steps } = change(plan(BRANCHES), (s) => startRun(s, BIG_IMAGE));
    expect(step(steps, 'hd').skipReason).toEqual({
      code: 'branch_not_taken',
      message: 'conditions "is-video" did not hold for the input, so its next steps did not run',
    });
    expect(step(steps, 'thumbs').skipReason).toEqual({
      code: 'upstream_skipped',
      message: 'video "hd" was skipped (branch_not_taken), so this step got no input',
    });
  });

  it('branch_not_taken on else when they held', () => {
    const { steps } = change(plan(BRANCHES), (s) => startRun(s, HD_VIDEO));
    expect(step(steps, 'still').skipReason).toEqual({
      code: 'branch_not_taken',
      message: 'conditions "is-video" held for the input, so its else steps did not run',
    });
    expect(step(steps, 'describe').skipReason?.code).toBe('upstream_skipped');
  });

  it('names a conditions step without a ref by its place', () => {
    const { steps } = startRun(
      plan([
        { kind: 'image', ref: 'first' },
        {
          kind: 'conditions',
          conditions: [{ prop: 'width', operator: '>', value: 5000 }],
          next: [{ kind: 'image', ref: 'huge' }],
        },
      ]),
      BIG_IMAGE,
    );
    expect(step(steps, 'huge').skipReason?.message).toBe(
      'conditions at workflow[1] did not hold for the input, so its next steps did not run',
    );
  });

  it('upstream_failed below a failed step, naming it and its error code, at every depth', () => {
    const started = startRun(
      plan([
        {
          kind: 'video',
          ref: 'web',
          next: [{ kind: 'thumbnails', ref: 'scrub', next: [{ kind: 'summary', ref: 'deep' }] }],
        },
      ]),
      HD_VIDEO,
    );
    const { steps } = change(processing(started.steps, 'task_1'), (s) =>
      failStep(s, 'task_1', UNREADABLE),
    );
    expect(step(steps, 'web')).toMatchObject({
      status: 'failed',
      error: UNREADABLE,
      skipReason: null,
    });
    const reason = {
      code: 'upstream_failed',
      message: 'video "web" failed (input_unreadable), so this step got no input',
    };
    expect([step(steps, 'scrub').skipReason, step(steps, 'deep').skipReason]).toEqual([
      reason,
      reason,
    ]);
  });

  it('gives cancelled steps no skip reason: they were cancelled, not skipped', () => {
    const started = startRun(plan([{ kind: 'video', next: [{ kind: 'thumbnails' }] }]), HD_VIDEO);
    const { steps } = change(started.steps, cancelRun);
    expect(steps.map((s) => [s.status, s.skipReason])).toEqual([
      ['cancelled', null],
      ['cancelled', null],
    ]);
  });

  it('completes an evaluated conditions step at 100 %, and a completed task step too', () => {
    const started = startRun(plan(SEED_MESSAGING()), BIG_IMAGE);
    expect(started.steps[0]).toMatchObject({
      kind: 'conditions',
      status: 'completed',
      progress: 100,
    });
    const { steps } = completeStep(
      processing(started.steps, 'task_2'),
      'task_2',
      outputOf(step(started.steps, 'task_2')),
    );
    expect(steps[1]).toMatchObject({ status: 'completed', progress: 100 });
  });
});
