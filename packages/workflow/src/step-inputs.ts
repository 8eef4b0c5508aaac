import {
  INPUT_KINDS,
  taskKind,
  type Condition,
  type InputKind,
  type TaskStep,
} from '@mediaflow/contracts';
import { formatJsonPath, type JsonPath } from './json-path';

/**
 * What may arrive as a step's input file: the kinds it can be, and words
 * for where it comes from so a refusal can say why.
 */
export interface StepInput {
  kinds: readonly InputKind[];
  /** e.g. `the source file`, `the track made by subtitles at workflow[0]`. */
  origin: string;
  /** The step that last cut down `kinds`, e.g. `the conditions at workflow[0]`. */
  narrowedBy?: string;
}

/** Top-level steps take the run's source file, which may be any media kind. */
export const SOURCE_INPUT: StepInput = { kinds: INPUT_KINDS, origin: 'the source file' };

type WorkflowTaskKind = TaskStep['kind'];

/** Why a task step can never run on its input, or undefined when some input kind suits it. */
export function inputProblem(kind: WorkflowTaskKind, input: StepInput): string | undefined {
  const accepts = taskKind(kind).accepts;
  if (input.kinds.some((k) => accepts.includes(k))) return undefined;
  if (input.kinds.length === 0) {
    return `${kind} would never get an input: ${input.origin} cannot get past ${input.narrowedBy ?? 'the conditions above it'}`;
  }
  if (input.narrowedBy) {
    return `${kind} cannot take ${input.origin} here: after ${input.narrowedBy} it can only be ${input.kinds.join(' or ')}`;
  }
  return `${kind} cannot take ${input.origin}`;
}

/**
 * The input of a task step's `next` steps. Undefined means unknown: the step
 * itself could not run, and its children are not blamed for that again.
 */
export function inputAfterTask(
  kind: WorkflowTaskKind,
  path: JsonPath,
  input: StepInput | undefined,
): StepInput | undefined {
  const declaration = taskKind(kind);
  switch (declaration.output) {
    case 'data': {
      // A data result passes the step's own input on (docs/http-api.md), and only what it accepted.
      if (!input) return undefined;
      const kinds = input.kinds.filter((k) => declaration.accepts.includes(k));
      if (kinds.length === 0) return undefined;
      return narrowTo(input, kinds, `${kind} at ${formatJsonPath(path)}`);
    }
    case 'passthrough':
      return input;
    case 'source':
      return SOURCE_INPUT;
    default:
      return {
        kinds: [declaration.output],
        origin: `the ${declaration.output} made by ${kind} at ${formatJsonPath(path)}`,
      };
  }
}

/**
 * The inputs of a conditions step's branches. A conditions step passes its
 * input on; conditions on `kind` tell which kinds reach `next`, and when that
 * one condition is all there is, `else` gets exactly the other kinds. With
 * more conditions a file of any kind may fail one of the others, so `else`
 * keeps the whole input.
 */
export function inputsAfterConditions(
  conditions: readonly Condition[],
  path: JsonPath,
  input: StepInput | undefined,
): { next?: StepInput; else?: StepInput } {
  if (!input) return {};
  let next = input.kinds;
  let narrowing = 0;
  for (const condition of conditions) {
    const narrowed = narrowByKind(next, condition);
    if (narrowed) {
      next = narrowed;
      narrowing++;
    }
  }
  const complement =
    conditions.length === 1 && narrowing === 1
      ? input.kinds.filter((k) => !next.includes(k))
      : input.kinds;
  const by = `the conditions at ${formatJsonPath(path)}`;
  return { next: narrowTo(input, next, by), else: narrowTo(input, complement, by) };
}

/** The kinds left after one condition, or undefined when it says nothing certain about kind. */
function narrowByKind(
  kinds: readonly InputKind[],
  condition: Condition,
): readonly InputKind[] | undefined {
  if (condition.prop !== 'kind') return undefined;
  // `text` is the ittybit-style name for a track (contracts, FILE_PROPERTIES).
  const named = (Array.isArray(condition.value) ? condition.value : [condition.value]).map((v) =>
    v === 'text' ? 'track' : v,
  );
  switch (condition.operator ?? '==') {
    case '==':
    case 'in':
      return kinds.filter((k) => named.includes(k));
    case '!=':
    case 'not_in':
      return kinds.filter((k) => !named.includes(k));
    default:
      return undefined;
  }
}

function narrowTo(input: StepInput, kinds: readonly InputKind[], by: string): StepInput {
  return kinds.length === input.kinds.length ? input : { ...input, kinds, narrowedBy: by };
}
