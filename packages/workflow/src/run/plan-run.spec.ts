import {
  isMediaflowError,
  type ConditionsStep,
  type TaskStep,
  type Workflow,
} from '@mediaflow/contracts';
import { planRun } from './plan-run';

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

function counter(): () => string {
  let n = 0;
  return () => `task_${++n}`;
}

/** The plan's shape without the fields every fresh step shares. */
const shape = (workflow: Workflow) =>
  planRun(deepFreeze(workflow), counter()).map((s) => [
    s.id,
    s.kind,
    s.parentId,
    s.branch,
    s.position,
    s.ref,
  ]);

describe('planRun', () => {
  it('plans parallel steps (seed 1) as top-level siblings in order', () => {
    const steps = planRun(
      deepFreeze<Workflow>([
        { kind: 'summary' },
        { kind: 'image', options: { width: 320, format: 'png' } },
        { kind: 'subtitles' },
      ]),
      counter(),
    );
    expect(steps).toEqual([
      {
        id: 'task_1',
        parentId: null,
        branch: null,
        position: 0,
        kind: 'summary',
        ref: null,
        options: {},
        conditions: null,
        status: 'waiting',
        progress: 0,
        input: null,
        output: null,
        error: null,
        skipReason: null,
        finishedAt: null,
      },
      {
        id: 'task_2',
        parentId: null,
        branch: null,
        position: 1,
        kind: 'image',
        ref: null,
        options: { width: 320, format: 'png' },
        conditions: null,
        status: 'waiting',
        progress: 0,
        input: null,
        output: null,
        error: null,
        skipReason: null,
        finishedAt: null,
      },
      {
        id: 'task_3',
        parentId: null,
        branch: null,
        position: 2,
        kind: 'subtitles',
        ref: null,
        options: {},
        conditions: null,
        status: 'waiting',
        progress: 0,
        input: null,
        output: null,
        error: null,
        skipReason: null,
        finishedAt: null,
      },
    ]);
  });

  it('plans a next chain (seed 3) under its parent', () => {
    expect(
      shape([
        {
          kind: 'video',
          options: { width: 1280, format: 'mp4', quality: 'high' },
          next: [{ kind: 'thumbnails' }],
        },
      ]),
    ).toEqual([
      ['task_1', 'video', null, null, 0, null],
      ['task_2', 'thumbnails', 'task_1', 'next', 0, null],
    ]);
  });

  it('plans a conditions step (seed 4) with its conditions and no options', () => {
    const conditions = [
      { prop: 'kind', value: 'image' },
      { prop: 'width', operator: '>', value: 1280 },
    ] as const;
    const steps = planRun(
      deepFreeze<Workflow>([
        {
          kind: 'conditions',
          conditions: [...conditions],
          next: [{ kind: 'image', options: { width: 1280 } }],
        },
      ]),
      counter(),
    );
    expect(steps).toMatchObject([
      {
        id: 'task_1',
        kind: 'conditions',
        parentId: null,
        options: {},
        conditions,
        status: 'waiting',
      },
      {
        id: 'task_2',
        kind: 'image',
        parentId: 'task_1',
        branch: 'next',
        options: { width: 1280 },
        conditions: null,
      },
    ]);
  });

  it('lists steps in pre-order: a step, its next subtree, then its else subtree', () => {
    expect(
      shape([
        {
          kind: 'conditions',
          ref: 'is-video',
          conditions: [{ prop: 'kind', value: 'video' }],
          next: [
            { kind: 'video', ref: 'hd', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
            { kind: 'audio', ref: 'sound' },
          ],
          else: [{ kind: 'image', ref: 'still', next: [{ kind: 'summary', ref: 'describe' }] }],
        },
        { kind: 'nsfw', ref: 'check' },
      ]),
    ).toEqual([
      ['task_1', 'conditions', null, null, 0, 'is-video'],
      ['task_2', 'video', 'task_1', 'next', 0, 'hd'],
      ['task_3', 'thumbnails', 'task_2', 'next', 0, 'thumbs'],
      ['task_4', 'audio', 'task_1', 'next', 1, 'sound'],
      ['task_5', 'image', 'task_1', 'else', 0, 'still'],
      ['task_6', 'summary', 'task_5', 'next', 0, 'describe'],
      ['task_7', 'nsfw', null, null, 1, 'check'],
    ]);
  });

  it('copies options and conditions rather than sharing them with the workflow', () => {
    const workflow = deepFreeze<Workflow>([
      { kind: 'image', options: { width: 320 } },
      { kind: 'conditions', conditions: [{ prop: 'format', operator: 'in', value: ['png'] }] },
    ]);
    const [image, conditions] = planRun(workflow, counter());
    expect(image?.options).toEqual({ width: 320 });
    expect(image?.options).not.toBe((workflow[0] as TaskStep).options);
    expect(Object.isFrozen(image?.options)).toBe(false);
    const written = (workflow[1] as ConditionsStep).conditions[0];
    expect(conditions?.conditions?.[0]).toEqual(written);
    expect(conditions?.conditions?.[0]).not.toBe(written);
    expect(conditions?.conditions?.[0]?.value).not.toBe(written?.value);
  });

  it('refuses an id generator that repeats itself', () => {
    let error: unknown;
    try {
      planRun([{ kind: 'video' }, { kind: 'audio' }], () => 'task_same');
    } catch (thrown) {
      error = thrown;
    }
    expect(isMediaflowError(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'internal',
      message: 'planRun: newId returned task_same twice',
    });
  });
});
