import type { FileProperties, TaskError, TaskStatus, Workflow } from '@mediaflow/contracts';
import {
  cancelRun,
  completeStep,
  failStep,
  resumeRun,
  skipUnfinished,
  startRun,
} from './advance-run';
import { planRun } from './plan-run';
import { retryScope } from './retry-scope';
import type { RunStep, StepFile } from './run-step';

// A retry (docs/runs.md, Retrying) as the scheduler makes it: the steps
// retryScope names wait again, as if they had never run, and resumeRun
// starts those whose input is there.

const file = (id: string, properties: FileProperties): StepFile => ({ id, properties });
const VIDEO = file('file_src', {
  kind: 'video',
  width: 1920,
  height: 1080,
  duration: 12,
  has_audio: true,
  has_video: true,
});
const IMAGE = file('file_src', { kind: 'image', width: 800, height: 600, format: 'jpeg' });
const WEB = file('file_web', {
  kind: 'video',
  width: 1280,
  height: 720,
  duration: 12,
  has_audio: true,
  has_video: true,
});
const UNAVAILABLE: TaskError = { code: 'provider_unavailable', message: 'The provider is down' };

function plan(workflow: Workflow): RunStep[] {
  let n = 0;
  return planRun(workflow, () => `task_${++n}`);
}

function byRef(steps: readonly RunStep[], ref: string): RunStep {
  const found = steps.find((s) => s.ref === ref);
  if (!found) throw new Error(`no step ${ref}`);
  return found;
}

const statuses = (steps: readonly RunStep[]): Record<string, TaskStatus> =>
  Object.fromEntries(steps.map((s) => [s.ref ?? s.id, s.status]));

const started = (steps: RunStep[], ref: string): RunStep[] =>
  steps.map((s) => (s.ref === ref ? { ...s, status: 'processing' } : s));

/** What the scheduler's reset does to the steps a retry names. */
function reset(steps: readonly RunStep[], again: readonly RunStep[]): RunStep[] {
  const ids = new Set(again.map((s) => s.id));
  return steps.map((s) =>
    ids.has(s.id)
      ? { ...s, status: 'waiting', progress: 0, output: null, error: null, skipReason: null }
      : s,
  );
}

/** Transcode "web" then thumbnails of it, beside a summary with a check after it. */
const TRANSCODE_AND_SUMMARY: Workflow = [
  { kind: 'video', ref: 'web', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
  { kind: 'summary', ref: 'sum', next: [{ kind: 'nsfw', ref: 'check' }] },
];

/** The transcode and its thumbnails completed; the summary failed, so its check was skipped. */
function summaryFailed(): RunStep[] {
  let steps = startRun(plan(TRANSCODE_AND_SUMMARY), VIDEO).steps;
  steps = completeStep(started(steps, 'web'), byRef(steps, 'web').id, WEB).steps;
  steps = completeStep(started(steps, 'thumbs'), byRef(steps, 'thumbs').id, null).steps;
  return failStep(started(steps, 'sum'), byRef(steps, 'sum').id, UNAVAILABLE).steps;
}

describe('retryScope', () => {
  it('a run: its failed steps and what was skipped because of them, nothing completed', () => {
    const steps = summaryFailed();
    expect(byRef(steps, 'check').skipReason?.code).toBe('upstream_failed');
    expect(retryScope(steps, null).map((s) => s.ref)).toEqual(['sum', 'check']);
  });

  it('keeps steps skipped for a reason a retry does not change', () => {
    // On an image: subtitles does not apply, and what is under it is skipped for that.
    const workflow: Workflow = [
      { kind: 'subtitles', ref: 'subs', next: [{ kind: 'summary', ref: 'after-subs' }] },
      {
        kind: 'conditions',
        ref: 'is-video',
        conditions: [{ prop: 'kind', value: 'video' }],
        next: [{ kind: 'video', ref: 'hd' }],
        else: [{ kind: 'image', ref: 'still' }],
      },
    ];
    let steps = startRun(plan(workflow), IMAGE).steps;
    steps = failStep(started(steps, 'still'), byRef(steps, 'still').id, UNAVAILABLE).steps;
    expect(statuses(steps)).toEqual({
      subs: 'skipped',
      'after-subs': 'skipped',
      'is-video': 'completed',
      hd: 'skipped',
      still: 'failed',
    });
    expect(retryScope(steps, null).map((s) => s.ref)).toEqual(['still']);
  });

  it('a step: only it and its subtree, and only if it failed or was cancelled', () => {
    const workflow: Workflow = [
      { kind: 'summary', ref: 'a', next: [{ kind: 'nsfw', ref: 'a-check' }] },
      { kind: 'summary', ref: 'b' },
    ];
    let steps = startRun(plan(workflow), VIDEO).steps;
    steps = failStep(started(steps, 'a'), byRef(steps, 'a').id, UNAVAILABLE).steps;
    steps = failStep(started(steps, 'b'), byRef(steps, 'b').id, UNAVAILABLE).steps;
    expect(retryScope(steps, byRef(steps, 'a').id).map((s) => s.ref)).toEqual(['a', 'a-check']);
    expect(retryScope(steps, byRef(steps, 'b').id).map((s) => s.ref)).toEqual(['b']);
    // Skipped because of "a": retried with it, not on its own.
    expect(retryScope(steps, byRef(steps, 'a-check').id)).toEqual([]);
    expect(retryScope(steps, 'task_unknown')).toEqual([]);
  });

  it('a run whose source failed: every step', () => {
    const steps = skipUnfinished(plan(TRANSCODE_AND_SUMMARY), UNAVAILABLE).steps;
    expect(retryScope(steps, null)).toHaveLength(4);
  });

  it('a completed run: nothing', () => {
    let steps = startRun(plan([{ kind: 'summary', ref: 'sum' }]), VIDEO).steps;
    steps = completeStep(started(steps, 'sum'), byRef(steps, 'sum').id, null).steps;
    expect(retryScope(steps, null)).toEqual([]);
  });
});

describe('resumeRun', () => {
  it('runs the failed step again on the input it had; completed steps keep their outputs', () => {
    const failed = summaryFailed();
    const again = reset(failed, retryScope(failed, null));
    const resumed = resumeRun(again, VIDEO);
    expect(resumed.ready).toEqual([byRef(failed, 'sum').id]);
    expect(statuses(resumed.steps)).toEqual({
      web: 'completed',
      thumbs: 'completed',
      sum: 'pending',
      check: 'waiting',
    });
    expect(byRef(resumed.steps, 'sum').input?.id).toBe('file_src');
    expect(byRef(resumed.steps, 'web').output).toEqual(WEB);
    // The check then takes what the summary passes on, as the first time.
    const done = completeStep(started(resumed.steps, 'sum'), byRef(failed, 'sum').id, null);
    expect(done.ready).toEqual([byRef(failed, 'check').id]);
    expect(byRef(done.steps, 'check').input?.id).toBe('file_src');
  });

  it('a step under a completed one takes its output; under a conditions step, its branch', () => {
    const workflow: Workflow = [
      {
        kind: 'conditions',
        ref: 'is-video',
        conditions: [{ prop: 'kind', value: 'video' }],
        next: [
          { kind: 'video', ref: 'hd', next: [{ kind: 'thumbnails', ref: 'thumbs' }] },
          { kind: 'summary', ref: 'sum' },
        ],
        else: [{ kind: 'image', ref: 'still' }],
      },
    ];
    let steps = startRun(plan(workflow), VIDEO).steps;
    steps = completeStep(started(steps, 'hd'), byRef(steps, 'hd').id, WEB).steps;
    steps = failStep(started(steps, 'thumbs'), byRef(steps, 'thumbs').id, UNAVAILABLE).steps;
    steps = failStep(started(steps, 'sum'), byRef(steps, 'sum').id, UNAVAILABLE).steps;
    const scope = retryScope(steps, null);
    expect(scope.map((s) => s.ref)).toEqual(['thumbs', 'sum']);
    const resumed = resumeRun(reset(steps, scope), VIDEO);
    expect(resumed.ready.sort()).toEqual(
      [byRef(steps, 'thumbs').id, byRef(steps, 'sum').id].sort(),
    );
    expect(byRef(resumed.steps, 'thumbs').input?.id).toBe('file_web');
    expect(byRef(resumed.steps, 'sum').input?.id).toBe('file_src');
    expect(byRef(resumed.steps, 'still').status).toBe('skipped');
  });

  it('a cancelled run: what was running starts again, what waited for it waits again', () => {
    let steps = startRun(plan(TRANSCODE_AND_SUMMARY), VIDEO).steps;
    steps = completeStep(started(steps, 'sum'), byRef(steps, 'sum').id, null).steps;
    steps = cancelRun(started(steps, 'web')).steps;
    expect(statuses(steps)).toEqual({
      web: 'cancelled',
      thumbs: 'cancelled',
      sum: 'completed',
      check: 'cancelled',
    });
    const scope = retryScope(steps, null);
    expect(scope.map((s) => s.ref)).toEqual(['web', 'thumbs', 'check']);
    const resumed = resumeRun(reset(steps, scope), VIDEO);
    expect(statuses(resumed.steps)).toEqual({
      web: 'pending',
      thumbs: 'waiting',
      sum: 'completed',
      check: 'pending',
    });
  });

  it('without the source (its ingest runs again) every step waits', () => {
    const steps = skipUnfinished(plan(TRANSCODE_AND_SUMMARY), UNAVAILABLE).steps;
    const resumed = resumeRun(reset(steps, retryScope(steps, null)), null);
    expect(resumed.ready).toEqual([]);
    expect(new Set(resumed.steps.map((s) => s.status))).toEqual(new Set(['waiting']));
    // Once the source is there, the run starts as a new one does.
    expect(startRun(resumed.steps, VIDEO).ready).toHaveLength(2);
  });

  it('a retried step that turns out not to apply is skipped, not dispatched', () => {
    const steps = plan([{ kind: 'subtitles', ref: 'subs' }]).map((s) => ({
      ...s,
      status: 'waiting' as const,
    }));
    const resumed = resumeRun(steps, IMAGE);
    expect(resumed.ready).toEqual([]);
    expect(byRef(resumed.steps, 'subs').skipReason?.code).toBe('not_applicable');
    // A task on its own is dispatched whatever its input.
    expect(resumeRun(steps, IMAGE, { standalone: true }).ready).toHaveLength(1);
  });
});
