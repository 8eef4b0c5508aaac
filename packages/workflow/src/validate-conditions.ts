import {
  CONDITION_OPERATORS,
  FILE_PROPERTIES,
  OPERATOR_APPLIES_TO,
  WORKFLOW_LIMITS,
  type Condition,
  type ConditionOperator,
  type ErrorDetail,
  type FileProperty,
} from '@mediaflow/contracts';
import { formatJsonPath, type JsonPath } from './json-path';
import { isPlainObject } from './plain-object';

const CONDITION_KEYS = ['prop', 'operator', 'value'];
/** `in` / `not_in` lists: enough for any real allow-list, small enough to evaluate per file. */
export const MAX_CONDITION_VALUES = WORKFLOW_LIMITS.maxConditionValues;

type PropType = (typeof FILE_PROPERTIES)[FileProperty]['type'];

const PROP_NAMES = Object.keys(FILE_PROPERTIES) as FileProperty[];
/** Operators that compare against whole values, so an enumerated prop must use one of its values. */
const WHOLE_VALUE_OPERATORS: readonly ConditionOperator[] = ['==', '!=', 'in', 'not_in'];

export interface ConditionsResult {
  /** The conditions as stored; empty when any of them is invalid. */
  conditions: Condition[];
  details: ErrorDetail[];
}

/** Check the `conditions` array of a conditions step, reporting every problem. */
export function validateConditions(value: unknown, path: JsonPath): ConditionsResult {
  const at = formatJsonPath(path);
  if (value === undefined) {
    return { conditions: [], details: [{ path: at, message: 'is required' }] };
  }
  if (!Array.isArray(value)) {
    return { conditions: [], details: [{ path: at, message: 'must be an array of conditions' }] };
  }
  const details: ErrorDetail[] = [];
  if (value.length === 0) details.push({ path: at, message: 'must have at least one condition' });
  if (value.length > WORKFLOW_LIMITS.maxConditions) {
    details.push({
      path: at,
      message: `must have at most ${WORKFLOW_LIMITS.maxConditions} conditions`,
    });
  }
  const conditions: Condition[] = [];
  value.forEach((item, i) => {
    const condition = validateCondition(item, [...path, i], details);
    if (condition) conditions.push(condition);
  });
  return { conditions: details.length === 0 ? conditions : [], details };
}

function validateCondition(
  value: unknown,
  path: JsonPath,
  details: ErrorDetail[],
): Condition | undefined {
  const at = (...rest: PropertyKey[]) => formatJsonPath([...path, ...rest]);
  if (!isPlainObject(value)) {
    details.push({ path: at(), message: 'must be an object' });
    return undefined;
  }
  const before = details.length;
  for (const key of Object.keys(value)) {
    if (!CONDITION_KEYS.includes(key)) {
      details.push({ path: at(key), message: 'is not a field of a condition' });
    }
  }

  const { prop, operator, value: expected } = value;
  const knownProp = isFileProperty(prop);
  if (prop === undefined) details.push({ path: at('prop'), message: 'is required' });
  else if (!knownProp) {
    details.push({ path: at('prop'), message: `must be one of: ${PROP_NAMES.join(', ')}` });
  }

  if (operator !== undefined && !isOperator(operator)) {
    details.push({
      path: at('operator'),
      message: `must be one of: ${CONDITION_OPERATORS.join(', ')}`,
    });
  }
  if (expected === undefined) details.push({ path: at('value'), message: 'is required' });

  // `operator` defaults to `==` (docs/http-api.md).
  const op: unknown = operator === undefined ? '==' : operator;
  if (knownProp && isOperator(op)) {
    const type = FILE_PROPERTIES[prop].type;
    if (!OPERATOR_APPLIES_TO[op].includes(type)) {
      const usable = CONDITION_OPERATORS.filter((o) => OPERATOR_APPLIES_TO[o].includes(type));
      details.push({
        path: at('operator'),
        message: `${op} does not apply to ${prop}, a ${type}; use one of: ${usable.join(', ')}`,
      });
    } else if (expected !== undefined) {
      checkValue(expected, prop, op, [...path, 'value'], details);
    }
  }

  if (details.length > before) return undefined;
  return {
    prop: prop as FileProperty,
    // Kept only when written, so the stored workflow reads as the user wrote it.
    ...(operator !== undefined ? { operator: operator as ConditionOperator } : {}),
    value: Array.isArray(expected)
      ? [...(expected as (string | number)[])]
      : (expected as Condition['value']),
  };
}

function checkValue(
  value: unknown,
  prop: FileProperty,
  operator: ConditionOperator,
  path: JsonPath,
  details: ErrorDetail[],
): void {
  const property: { type: PropType; values?: readonly string[] } = FILE_PROPERTIES[prop];
  const allowed = WHOLE_VALUE_OPERATORS.includes(operator) ? property.values : undefined;
  const checkScalar = (item: unknown, itemPath: JsonPath) => {
    if (!isOfType(item, property.type)) {
      details.push({ path: formatJsonPath(itemPath), message: `must be a ${property.type}` });
    } else if (allowed && !allowed.includes(item as string)) {
      details.push({
        path: formatJsonPath(itemPath),
        message: `must be one of: ${allowed.join(', ')}`,
      });
    }
  };

  if (operator === 'in' || operator === 'not_in') {
    const at = formatJsonPath(path);
    if (!Array.isArray(value)) {
      details.push({ path: at, message: `must be an array of ${property.type}s for ${operator}` });
    } else if (value.length === 0) {
      details.push({ path: at, message: 'must not be empty' });
    } else if (value.length > MAX_CONDITION_VALUES) {
      details.push({ path: at, message: `must have at most ${MAX_CONDITION_VALUES} items` });
    } else {
      value.forEach((item, i) => checkScalar(item, [...path, i]));
    }
    return;
  }
  checkScalar(value, path);
}

function isOfType(value: unknown, type: PropType): boolean {
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type;
}

function isFileProperty(value: unknown): value is FileProperty {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(FILE_PROPERTIES, value);
}

function isOperator(value: unknown): value is ConditionOperator {
  return (CONDITION_OPERATORS as readonly unknown[]).includes(value);
}
