import {
  WORKFLOW_LIMITS,
  isConditionsStep,
  type ErrorDetail,
  type Workflow,
  type WorkflowStep,
} from '@mediaflow/contracts';
import { formatJsonPath, type JsonPath } from './json-path';
import { normaliseStep } from './normalise-step';
import {
  SOURCE_INPUT,
  inputAfterTask,
  inputProblem,
  inputsAfterConditions,
  type StepInput,
} from './step-inputs';

export type WorkflowValidation =
  { ok: true; workflow: Workflow } | { ok: false; details: ErrorDetail[] };

export interface ValidateWorkflowOptions {
  /** Where the workflow sits in the request; paths in details start here. Default `['workflow']`. */
  path?: JsonPath;
}

/** A step waiting to be checked, and the slot its stored form goes into. */
interface PendingStep {
  value: unknown;
  path: JsonPath;
  depth: number;
  /** Undefined when the input cannot be known because a step above could not run. */
  input: StepInput | undefined;
  into: WorkflowStep[];
  index: number;
}

/**
 * Check a workflow as a client wrote it and bring it to stored form. Every
 * problem is reported, in document order, with its JSON path.
 *
 * The tree is walked with an explicit stack, not recursion, and not past
 * the depth limit, so a hostile body nested a hundred thousand deep costs
 * nine steps of work and cannot overflow the call stack.
 */
export function validateWorkflow(
  input: unknown,
  options: ValidateWorkflowOptions = {},
): WorkflowValidation {
  const root = options.path ?? ['workflow'];
  const rootPath = formatJsonPath(root);
  if (!Array.isArray(input)) {
    return { ok: false, details: [{ path: rootPath, message: 'must be an array of steps' }] };
  }
  if (input.length === 0) {
    return { ok: false, details: [{ path: rootPath, message: 'must have at least one step' }] };
  }

  const workflow: WorkflowStep[] = new Array<WorkflowStep>(input.length);
  const details: ErrorDetail[] = [];
  const refs = new Map<string, string>();
  const stack: PendingStep[] = [];
  let stepCount = 0;
  let depthReported = false;

  push(stack, input, root, 1, SOURCE_INPUT, workflow);
  while (stack.length > 0) {
    const pending = stack.pop() as PendingStep;
    stepCount++;
    if (pending.depth > WORKFLOW_LIMITS.maxDepth) {
      // Once: a deep chain is one mistake, not one per step below the limit.
      if (!depthReported) {
        details.push({
          path: formatJsonPath(pending.path),
          message: `is nested too deeply: a workflow may be at most ${WORKFLOW_LIMITS.maxDepth} steps deep`,
        });
        depthReported = true;
      }
      continue;
    }

    const checked = normaliseStep(pending.value, pending.path, refs);
    const { step } = checked;
    if (step && !isConditionsStep(step) && pending.input) {
      const problem = inputProblem(step.kind, pending.input);
      if (problem) {
        details.push({ path: formatJsonPath([...pending.path, 'kind']), message: problem });
      }
    }
    details.push(...checked.details);
    if (step) pending.into[pending.index] = step;

    let nextInput: StepInput | undefined;
    let elseInput: StepInput | undefined;
    if (step && isConditionsStep(step)) {
      ({ next: nextInput, else: elseInput } = inputsAfterConditions(
        step.conditions,
        pending.path,
        pending.input,
      ));
    } else if (step) {
      nextInput = inputAfterTask(step.kind, pending.path, pending.input);
    }

    const nextSteps = slotsFor(checked.next);
    const elseSteps = slotsFor(checked.else);
    if (step && nextSteps) step.next = nextSteps;
    if (step && isConditionsStep(step) && elseSteps) step.else = elseSteps;
    // Pushed in reverse so that `next` is popped, and reported, before `else`.
    const depth = pending.depth + 1;
    if (checked.else && elseSteps) {
      push(stack, checked.else, [...pending.path, 'else'], depth, elseInput, elseSteps);
    }
    if (checked.next && nextSteps) {
      push(stack, checked.next, [...pending.path, 'next'], depth, nextInput, nextSteps);
    }
  }

  if (stepCount > WORKFLOW_LIMITS.maxSteps) {
    details.unshift({
      path: rootPath,
      message: `must have at most ${WORKFLOW_LIMITS.maxSteps} steps, counting every next and else step`,
    });
  }
  return details.length > 0 ? { ok: false, details } : { ok: true, workflow };
}

function slotsFor(steps: readonly unknown[] | undefined): WorkflowStep[] | undefined {
  return steps ? new Array<WorkflowStep>(steps.length) : undefined;
}

/** Push an array's steps so that its first step is popped first. */
function push(
  stack: PendingStep[],
  steps: readonly unknown[],
  path: JsonPath,
  depth: number,
  input: StepInput | undefined,
  into: WorkflowStep[],
): void {
  for (let index = steps.length - 1; index >= 0; index--) {
    stack.push({ value: steps[index], path: [...path, index], depth, input, into, index });
  }
}
