import type { RunStep } from './run-step';

type StepLookup = (id: string) => RunStep | undefined;

/**
 * The steps in the workflow's own order: a step, then its `next` subtree,
 * then its `else` subtree, siblings by position (planRun's order; a run's
 * rows come back from the database in another).
 */
export function inTreeOrder(steps: readonly RunStep[]): RunStep[] {
  const children = new Map<string | null, RunStep[]>();
  for (const step of steps) {
    const siblings = children.get(step.parentId) ?? [];
    siblings.push(step);
    children.set(step.parentId, siblings);
  }
  const branchOrder = (s: RunStep) => (s.branch === 'else' ? 1 : 0);
  for (const siblings of children.values())
    siblings.sort((a, b) => branchOrder(a) - branchOrder(b) || a.position - b.position);
  const ordered: RunStep[] = [];
  const visit = (parentId: string | null) => {
    for (const step of children.get(parentId) ?? []) {
      ordered.push(step);
      visit(step.id);
    }
  };
  visit(null);
  return ordered;
}

/** Where a step is in its workflow, as a JSON path: `workflow[2]`, `workflow[0].else[1]`. */
export function stepPath(step: RunStep, byId: StepLookup): string {
  let path = '';
  for (let s: RunStep | undefined = step; s; s = s.parentId ? byId(s.parentId) : undefined) {
    path = (s.parentId === null ? `workflow[${s.position}]` : `.${s.branch}[${s.position}]`) + path;
  }
  return path;
}

/** How a message names a step: by its ref when it has one (`video "web"`), else by its place (`video at workflow[0]`). */
export function stepName(step: RunStep, byId: StepLookup): string {
  return step.ref ? `${step.kind} "${step.ref}"` : `${step.kind} at ${stepPath(step, byId)}`;
}
