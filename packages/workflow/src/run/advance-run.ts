import { MediaflowError, isFinalStatus } from '@mediaflow/contracts';
import { evaluateConditions } from './evaluate-conditions';
import type { Advance, RunStep, StepFile } from './run-step';

/**
 * The run's steps being changed: copy-on-write, so the steps handed in are
 * never mutated and unchanged steps are shared with the result.
 */
class RunDraft {
  private readonly steps: RunStep[];
  private readonly index = new Map<string, number>();
  readonly ready: string[] = [];

  constructor(steps: readonly RunStep[]) {
    this.steps = [...steps];
    this.steps.forEach((step, i) => this.index.set(step.id, i));
  }

  get(id: string): RunStep | undefined {
    const i = this.index.get(id);
    return i === undefined ? undefined : this.steps[i];
  }

  set(id: string, change: Partial<Pick<RunStep, 'status' | 'input' | 'output'>>): void {
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

  /**
   * A task step becomes pending and is to be dispatched. A conditions step is
   * never dispatched: it is decided here, on its input's properties, and
   * passes its input on to the branch that runs.
   */
  makeReady(id: string, input: StepFile): void {
    const step = this.get(id);
    // Only a waiting step can start: one already decided (or cancelled) stays so.
    if (!step || step.status !== 'waiting') return;
    if (step.kind !== 'conditions') {
      this.set(id, { status: 'pending', input });
      this.ready.push(id);
      return;
    }
    this.set(id, { status: 'completed', input, output: input });
    const holds = evaluateConditions(step.conditions ?? [], input.properties);
    for (const child of this.children(id, 'next')) {
      if (holds) this.makeReady(child.id, input);
      else this.skip(child.id);
    }
    for (const child of this.children(id, 'else')) {
      if (holds) this.skip(child.id);
      else this.makeReady(child.id, input);
    }
  }

  /** The step and its descendants that are still waiting become skipped. */
  skip(id: string): void {
    if (this.get(id)?.status === 'waiting') this.set(id, { status: 'skipped' });
    this.skipDescendants(id);
  }

  skipDescendants(id: string): void {
    for (const child of this.children(id)) this.skip(child.id);
  }

  /** The step and its descendants that are not yet final become cancelled. */
  cancel(id: string): void {
    const step = this.get(id);
    if (step && !isFinalStatus(step.status)) this.set(id, { status: 'cancelled' });
    for (const child of this.children(id)) this.cancel(child.id);
  }

  /** Every step not yet final ends so, without running. */
  endUnfinished(status: 'cancelled' | 'skipped'): void {
    for (const step of this.steps) {
      if (!isFinalStatus(step.status)) this.set(step.id, { status });
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

/** Every top-level step takes the run's source file. */
export function startRun(steps: readonly RunStep[], source: StepFile): Advance {
  const draft = new RunDraft(steps);
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
  draft.set(id, { status: 'completed', output });
  for (const child of draft.children(id, 'next')) draft.makeReady(child.id, passOn);
  return draft.result();
}

/** The step failed: its subtree is skipped, its siblings keep running. */
export function failStep(steps: readonly RunStep[], id: string): Advance {
  const draft = new RunDraft(steps);
  if (!isRunning(draft.get(id))) return unchanged(steps);
  draft.set(id, { status: 'failed' });
  draft.skipDescendants(id);
  return draft.result();
}

/** Every step not yet final is cancelled. */
export function cancelRun(steps: readonly RunStep[]): Advance {
  const draft = new RunDraft(steps);
  draft.endUnfinished('cancelled');
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

/** The run's source never arrived (its ingest failed): no step can run. */
export function skipUnfinished(steps: readonly RunStep[]): Advance {
  const draft = new RunDraft(steps);
  draft.endUnfinished('skipped');
  return draft.result();
}
