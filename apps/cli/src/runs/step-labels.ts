import type { TaskObject } from '@mediaflow/contracts';

/**
 * A run's steps in reading order: each step, then the steps after it
 * (`next`, then `else`), then its next sibling. A task that is not a run is
 * its own one step.
 */
export function flattenSteps(task: TaskObject): TaskObject[] {
  if (task.kind !== 'workflow') return [task];
  const steps: TaskObject[] = [];
  const visit = (nodes: readonly TaskObject[] | undefined) => {
    for (const node of nodes ?? []) {
      steps.push(node);
      visit(node.next);
      visit(node.else);
    }
  };
  visit(task.workflow);
  return steps;
}

/**
 * The name of each step, used for its progress bar and for its output under
 * `--out`: its `ref`, else its kind and its place among the steps of that
 * kind (`image-2`: the second image step in reading order). A made-up name
 * that a ref already has moves on to the next number.
 */
export function stepLabels(steps: readonly TaskObject[]): Map<string, string> {
  const refs = new Set(steps.map((s) => s.ref).filter((ref): ref is string => ref !== null));
  const counts = new Map<string, number>();
  const labels = new Map<string, string>();
  for (const step of steps) {
    if (step.ref !== null) {
      labels.set(step.id, step.ref);
      continue;
    }
    let n = counts.get(step.kind) ?? 0;
    let label: string;
    do label = `${step.kind}-${++n}`;
    while (refs.has(label));
    counts.set(step.kind, n);
    labels.set(step.id, label);
  }
  return labels;
}
