import {
  MediaflowError,
  isConditionsStep,
  type Workflow,
  type WorkflowStep,
} from '@mediaflow/contracts';
import type { RunStep } from './run-step';

/**
 * One waiting step per workflow step, conditions steps included, in
 * pre-order (a step, then its `next` subtree, then its `else` subtree).
 * Options and conditions are copied so the plan never shares objects with
 * the workflow it came from.
 */
export function planRun(workflow: Workflow, newId: () => string): RunStep[] {
  const steps: RunStep[] = [];
  const seen = new Set<string>();

  const plan = (
    list: readonly WorkflowStep[],
    parentId: string | null,
    branch: RunStep['branch'],
  ) => {
    list.forEach((step, position) => {
      const id = newId();
      // Steps are found by id from here on; a repeated id would merge two steps.
      if (seen.has(id)) throw new MediaflowError('internal', `planRun: newId returned ${id} twice`);
      seen.add(id);
      const conditions = isConditionsStep(step);
      steps.push({
        id,
        parentId,
        branch,
        position,
        kind: step.kind,
        ref: step.ref ?? null,
        options: conditions ? {} : structuredClone(step.options ?? {}),
        conditions: conditions ? structuredClone(step.conditions) : null,
        status: 'waiting',
        progress: 0,
        input: null,
        output: null,
        error: null,
        skipReason: null,
        finishedAt: null,
      });
      plan(step.next ?? [], id, 'next');
      if (conditions) plan(step.else ?? [], id, 'else');
    });
  };

  plan(workflow, null, null);
  return steps;
}
