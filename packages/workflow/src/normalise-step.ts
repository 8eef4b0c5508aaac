import {
  CONDITIONS_STEP_KEYS,
  REF_PATTERN,
  taskKind,
  TASK_STEP_KEYS,
  WORKFLOW_TASK_KINDS,
  isTaskKind,
  type ErrorDetail,
  type TaskStep,
  type WorkflowStep,
} from '@mediaflow/contracts';
import { formatJsonPath, type JsonPath } from './json-path';
import { isPlainObject } from './plain-object';
import { validateConditions } from './validate-conditions';
import { parseWithDetails } from './zod-issues';

type WorkflowTaskKind = TaskStep['kind'];

/** Kinds a user may write: every task kind the scheduler does not reserve, and `conditions`. */
export const STEP_KINDS: readonly string[] = [...WORKFLOW_TASK_KINDS, 'conditions'];

const TASK_KEYS: readonly string[] = TASK_STEP_KEYS;
const CONDITIONS_KEYS: readonly string[] = CONDITIONS_STEP_KEYS;
/** Keys that only mean something on a conditions step; on a task step they are mistakes, not options. */
const CONDITIONS_ONLY_KEYS = CONDITIONS_KEYS.filter((key) => !TASK_KEYS.includes(key));

/** One step checked on its own; its children are left to the caller, which walks the tree. */
export interface NormalisedStep {
  /** The step in stored form without `next` / `else`; absent when it has no usable kind. */
  step?: WorkflowStep;
  /** The raw `next` and `else` steps, when they are arrays. */
  next?: readonly unknown[];
  else?: readonly unknown[];
  details: ErrorDetail[];
}

/**
 * Check one step and bring it to stored form: flat options moved under
 * `options`, options checked against the kind's schema. `refs` maps every ref
 * seen so far to the path of its step, to refuse duplicates.
 * Problems are listed in a fixed field order: kind, stray keys, options,
 * ref, conditions, next, else.
 */
export function normaliseStep(
  value: unknown,
  path: JsonPath,
  refs: Map<string, string>,
): NormalisedStep {
  const at = (...rest: PropertyKey[]) => formatJsonPath([...path, ...rest]);
  if (!isPlainObject(value)) return { details: [{ path: at(), message: 'must be an object' }] };

  const details: ErrorDetail[] = [];
  const kind = readKind(value.kind, at('kind'), details);

  let options: Record<string, unknown> | undefined;
  if (kind === 'conditions') {
    for (const key of Object.keys(value)) {
      if (!CONDITIONS_KEYS.includes(key)) {
        details.push({ path: at(key), message: 'is not a field of a conditions step' });
      }
    }
  } else if (kind) {
    options = readOptions(value, kind, path, details);
  }

  const ref = readRef(value.ref, path, refs, details);
  const labels = ref === undefined ? {} : { ref };

  let step: WorkflowStep | undefined;
  if (kind === 'conditions') {
    const checked = validateConditions(value.conditions, [...path, 'conditions']);
    details.push(...checked.details);
    step = { kind, ...labels, conditions: checked.conditions };
  } else if (kind) {
    step = { kind, ...(options ? { options } : {}), ...labels };
  }

  const next = readSteps(value.next, at('next'), details);
  // `else` is read for unknown kinds too, so that their subtrees are still checked.
  const otherwise =
    kind === undefined || kind === 'conditions'
      ? readSteps(value.else, at('else'), details)
      : undefined;

  if (kind === 'conditions') {
    const given = (next?.length ?? 0) + (otherwise?.length ?? 0);
    const malformed =
      (value.next !== undefined && !next) || (value.else !== undefined && !otherwise);
    if (given === 0 && !malformed) {
      details.push({ path: at(), message: 'needs at least one step in next or else' });
    }
  }

  return { step, next, else: otherwise, details };
}

function readKind(
  value: unknown,
  at: string,
  details: ErrorDetail[],
): WorkflowTaskKind | 'conditions' | undefined {
  if (value === undefined) details.push({ path: at, message: 'is required' });
  else if (typeof value !== 'string') details.push({ path: at, message: 'must be a string' });
  else if (value === 'conditions') return value;
  else if (isTaskKind(value) && taskKind(value).internal) {
    details.push({
      path: at,
      message: `${value} is added by the scheduler to runs that start from a URL; do not write it in a workflow`,
    });
  } else if (isTaskKind(value)) return value as WorkflowTaskKind;
  else details.push({ path: at, message: `must be one of: ${STEP_KINDS.join(', ')}` });
  return undefined;
}

/**
 * Merge flat (ittybit-style) options into `options` and check them with the
 * kind's strict schema. Returns the merged options, or undefined when there
 * are none.
 */
function readOptions(
  step: Record<string, unknown>,
  kind: WorkflowTaskKind,
  path: JsonPath,
  details: ErrorDetail[],
): Record<string, unknown> | undefined {
  const at = (...rest: PropertyKey[]) => formatJsonPath([...path, ...rest]);
  const flat: [string, unknown][] = [];
  for (const key of Object.keys(step)) {
    if (TASK_KEYS.includes(key)) continue;
    if (CONDITIONS_ONLY_KEYS.includes(key)) {
      details.push({ path: at(key), message: 'is only for conditions steps' });
    } else {
      flat.push([key, step[key]]);
    }
  }

  let nested: Record<string, unknown> = {};
  if (step.options !== undefined) {
    if (isPlainObject(step.options)) nested = step.options;
    else details.push({ path: at('options'), message: 'must be an object' });
  }
  const fromFlat: [string, unknown][] = [];
  for (const [key, value] of flat) {
    if (Object.prototype.hasOwnProperty.call(nested, key)) {
      details.push({ path: at(key), message: 'is given both beside kind and in options' });
    } else {
      fromFlat.push([key, value]);
    }
  }
  // fromEntries defines own properties, so a stray `__proto__` key stays a key the schema refuses.
  const options = Object.fromEntries([...Object.entries(nested), ...fromFlat]);

  // Flat options are reported at `options.<key>` too: the path of where they
  // are stored, so a client sees one canonical path whichever way it wrote them.
  const parsed = parseWithDetails(taskKind(kind).options, options, {
    path: [...path, 'options'],
    kind,
  });
  if (!parsed.ok) details.push(...parsed.details);
  return Object.keys(options).length > 0 ? options : undefined;
}

function readRef(
  value: unknown,
  stepPath: JsonPath,
  refs: Map<string, string>,
  details: ErrorDetail[],
): string | undefined {
  const at = formatJsonPath([...stepPath, 'ref']);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    details.push({ path: at, message: 'must be a string' });
    return undefined;
  }
  if (!REF_PATTERN.test(value)) {
    details.push({
      path: at,
      message: 'must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit',
    });
    return undefined;
  }
  const first = refs.get(value);
  if (first !== undefined) {
    details.push({ path: at, message: `"${value}" is already the ref of ${first}` });
  } else {
    refs.set(value, formatJsonPath(stepPath));
  }
  return value;
}

function readSteps(
  value: unknown,
  at: string,
  details: ErrorDetail[],
): readonly unknown[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    details.push({ path: at, message: 'must be an array of steps' });
    return undefined;
  }
  return value;
}
