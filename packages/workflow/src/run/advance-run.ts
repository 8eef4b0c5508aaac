import {
  MediaflowError,
  isFinalStatus,
  type SkipReason,
  type TaskError,
} from '@mediaflow/contracts';
import { evaluateConditions } from './evaluate-conditions';
import type { Advance, RunStep, StepFile } from './run-step';
import {
  branchNotTaken,
  notApplicable,
  sourceFailed,
  upstreamFailed,
  upstreamSkipped,
} from './skip-reasons';
import { stepName } from './step-tree';

type StepChange = Partial<
  Pick<RunStep, 'status' | 'progress' | 'input' | 'output' | 'error' | 'skipReason'>
>;

/**
 * The run's steps being changed: copy-on-write, so the steps handed in are
 * never mutated and unchanged steps are shared with the result.
 */
class RunDraft {
  private readonly steps: RunStep[];
  private readonly index = new Map<string, number>();
  readonly ready: string[] = [];

  /**
   * @param skipsInapplicable a step that cannot take its input is skipped
   * (`not_applicable`); a task on its own is dispatched whatever its input,
   * and its worker refuses what it cannot take (`unsupported_input`).
   */
  constructor(
    steps: readonly RunStep[],
    private readonly skipsInapplicable = true,
  ) {
    this.steps = [...steps];
    this.steps.forEach((step, i) => this.index.set(step.id, i));
  }

  get(id: string): RunStep | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.steps[i];
  }

  set(id: string, change: StepChange): void {
    const i = this.index.get(id);
    const step = i === undefined ? undefined : this.steps[i];
    if (i === undefined || !step)
      throw new MediaflowError('internal', `run step ${id} does not exist`);
    this.steps[i] = { ...step, ...change };
  }

  /** A step's children on one branch (or the top-level steps), in their order. */
  children(parentId: string | null, branch?: 'next' | 'else'): RunStep[] {
    return this.steps
      .filter((s) => s.parentId === parentId && (branch === undefined || s.branch === branch))
      .sort((a, b) => a.position - b.position);
  }

  /** How messages name the step `id` (by its ref, else its place in the workflow). */
  name(id: string): string {
    const step = this.get(id);
    return step ? stepName(step, (other) => this.get(other)) : id;
  }

  /**
   * A task step becomes pending and is to be dispatched, unless its kind
   * cannot take the input: then it is skipped, `not_applicable`, with its
   * subtree. A conditions step is never dispatched: it is decided here, on
   * its input's properties, and passes its input on to the branch that runs.
   */
  makeReady(id: string, input: StepFile): void {
    const step = this.get(id);
    // Only a waiting step can start: one already decided (or cancelled) stays so.
    if (!step || step.status !== 'waiting') return;
    if (step.kind !== 'conditions') {
      const inapplicable = this.skipsInapplicable ? notApplicable(step.kind, input) : null;
      if (inapplicable) {
        // It keeps the input it could not take: that is what the reason is about.
        this.set(id, { input });
        this.skip(id, inapplicable);
        return;
      }
      this.set(id, { status: 'pending', input });
      this.ready.push(id);
      return;
    }
    this.set(id, { status: 'completed', input, output: input, progress: 100 });
    const holds = evaluateConditions(step.conditions ?? [], input.properties);
    const notTaken = branchNotTaken(this.name(id), holds);
    for (const child of this.children(id, 'next')) {
      if (holds) this.makeReady(child.id, input);
      else this.skip(child.id, notTaken);
    }
    for (const child of this.children(id, 'else')) {
      if (holds) this.skip(child.id, notTaken);
      else this.makeReady(child.id, input);
    }
  }

  /**
   * The step, if still waiting, is skipped for `reason`; the waiting steps
   * below it are skipped because it was (`upstream_skipped`, naming it).
   */
  skip(id: string, reason: SkipReason): void {
    if (this.get(id)?.status === 'waiting') this.set(id, { status: 'skipped', skipReason: reason });
    this.skipDescendants(id, upstreamSkipped(this.name(id), reason));
  }

  /** Every waiting step below `id` is skipped, each for the same `reason`: what happened at `id`. */
  skipDescendants(id: string, reason: SkipReason): void {
    for (const child of this.children(id)) {
      if (child.status === 'waiting') this.set(child.id, { status: 'skipped', skipReason: reason });
      this.skipDescendants(child.id, reason);
    }
  }

  /** The step and its descendants that are not yet final become cancelled. */
  cancel(id: string): void {
    const step = this.get(id);
    if (step && !isFinalStatus(step.status)) this.set(id, { status: 'cancelled' });
    for (const child of this.children(id)) this.cancel(child.id);
  }

  /** Every step not yet final ends so, without running. */
  endUnfinished(
    change: { status: 'cancelled' } | { status: 'skipped'; skipReason: SkipReason },
  ): void {
    for (const step of this.steps) {
      if (!isFinalStatus(step.status)) this.set(step.id, change);
    }
  }

  result(): Advance {
    return { steps: this.steps, ready: this.ready };
  }
}

/** Late or duplicate events find the step already past running; they change nothing. */
function isRunning(step: RunStep | undefined): step is RunStep {
  return step?.status === 'pending' || step?.status === 'processing';
}

function unchanged(steps: readonly RunStep[]): Advance {
  return { steps: [...steps], ready: [] };
}

export interface StartOptions {
  /**
   * The run is a task on its own (`POST /tasks` of one kind): it is
   * dispatched whatever its input, never skipped, and its worker refuses an
   * input it cannot take (`unsupported_input`): that one task was asked for.
   */
  standalone?: boolean;
}

/** Every top-level step takes the run's source file. */
export function startRun(
  steps: readonly RunStep[],
  source: StepFile,
  options: StartOptions = {},
): Advance {
  const draft = new RunDraft(steps, !options.standalone);
  for (const step of draft.children(null)) draft.makeReady(step.id, source);
  return draft.result();
}

/**
 * The step completed with `output`. Its `next` steps take that file; a data
 * kind (output null) passes its own input on (docs/http-api.md, Workflows).
 */
export function completeStep(
  steps: readonly RunStep[],
  id: string,
  output: StepFile | null,
): Advance {
  const draft = new RunDraft(steps);
  const step = draft.get(id);
  if (!isRunning(step)) return unchanged(steps);
  const passOn = output ?? step.input;
  if (!passOn) {
    throw new MediaflowError(
      'internal',
      `run step ${id} completed with neither an input nor an output`,
    );
  }
  draft.set(id, { status: 'completed', output, progress: 100 });
  for (const child of draft.children(id, 'next')) draft.makeReady(child.id, passOn);
  return draft.result();
}

/**
 * A retried run goes on (docs/runs.md, Retrying): the steps a retry made
 * waiting again start as they would have the first time. A top-level one
 * takes the run's `source` (none yet while its ingest runs again: they wait
 * for it, as a new run's do); one below a completed step takes what that
 * step passes on (a conditions step: its input, on the branch its
 * conditions chose). Steps under a step still waiting wait for it.
 */
export function resumeRun(
  steps: readonly RunStep[],
  source: StepFile | null,
  options: StartOptions = {},
): Advance {
  const draft = new RunDraft(steps, !options.standalone);
  for (const step of steps) {
    if (draft.get(step.id)?.status !== 'waiting') continue;
    const parent = step.parentId === null ? null : draft.get(step.parentId);
    if (parent === null) {
      if (source) draft.makeReady(step.id, source);
      continue;
    }
    if (parent?.status !== 'completed' || !parent.input) continue;
    if (parent.kind === 'conditions') {
      const holds = evaluateConditions(parent.conditions ?? [], parent.input.properties);
      if ((step.branch === 'next') === holds) draft.makeReady(step.id, parent.input);
      continue;
    }
    draft.makeReady(step.id, parent.output ?? parent.input);
  }
  return draft.result();
}

/** The step failed with `error`: its subtree is skipped (`upstream_failed`), its siblings keep running. */
export function failStep(steps: readonly RunStep[], id: string, error: TaskError): Advance {
  const draft = new RunDraft(steps);
  if (!isRunning(draft.get(id))) return unchanged(steps);
  draft.set(id, { status: 'failed', error });
  draft.skipDescendants(id, upstreamFailed(draft.name(id), error));
  return draft.result();
}

/** Every step not yet final is cancelled. */
export function cancelRun(steps: readonly RunStep[]): Advance {
  const draft = new RunDraft(steps);
  draft.endUnfinished({ status: 'cancelled' });
  return draft.result();
}

/**
 * Cancelling one step of a run: it and the unfinished steps below it are
 * cancelled; its siblings keep running. (cancelRun is the whole run.)
 */
export function cancelSubtree(steps: readonly RunStep[], id: string): Advance {
  const draft = new RunDraft(steps);
  draft.cancel(id);
  return draft.result();
}

/** The run's source never arrived (its ingest failed with `error`): no step can run. */
export function skipUnfinished(steps: readonly RunStep[], error: TaskError): Advance {
  const draft = new RunDraft(steps);
  draft.endUnfinished({ status: 'skipped', skipReason: sourceFailed(error) });
  return draft.result();
}
