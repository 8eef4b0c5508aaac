import type { RunStep } from './run-step';

/**
 * Why a retry runs a skipped step again: it was skipped only because a step
 * above it failed, or because the run's source failed. A step skipped as
 * `not_applicable` or on a branch not taken would be skipped again, and one
 * below such a step (`upstream_skipped`) too.
 */
const SKIPPED_FOR_A_FAILURE = new Set(['upstream_failed', 'source_failed']);

/** Whether a retry runs this step again: it failed, was cancelled, or was skipped because of a failure. */
function runsAgain(step: RunStep): boolean {
  if (step.status === 'failed' || step.status === 'cancelled') return true;
  return step.status === 'skipped' && SKIPPED_FOR_A_FAILURE.has(step.skipReason?.code ?? '');
}

/**
 * The steps `POST /tasks/:id/retry` runs again (docs/runs.md, Retrying), in
 * the steps' order: of the whole run (`scopeId` null), or of one step and
 * its subtree. Completed steps, with their outputs, are kept; so are steps
 * skipped for a reason that still holds. Empty when nothing in scope failed
 * or was cancelled; a step retried on its own must itself have failed or
 * been cancelled.
 */
export function retryScope(steps: readonly RunStep[], scopeId: string | null): RunStep[] {
  const inScope = scopeId === null ? steps : subtree(steps, scopeId);
  if (scopeId !== null) {
    const top = steps.find((step) => step.id === scopeId);
    if (!top || (top.status !== 'failed' && top.status !== 'cancelled')) return [];
  }
  return inScope.filter(runsAgain);
}

/** The step `id` and every step below it. */
function subtree(steps: readonly RunStep[], id: string): RunStep[] {
  const below = new Set([id]);
  // Parents may come after children in the rows' order: repeat until no step joins.
  for (let grew = true; grew;) {
    grew = false;
    for (const step of steps) {
      if (step.parentId !== null && below.has(step.parentId) && !below.has(step.id)) {
        below.add(step.id);
        grew = true;
      }
    }
  }
  return steps.filter((step) => below.has(step.id));
}
