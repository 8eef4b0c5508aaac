import type { Condition, FileProperties } from '@mediaflow/contracts';

type Scalar = string | number | boolean;

/**
 * Whether every condition holds (AND) for a file's properties (docs/http-api.md,
 * Workflows). A property the file lacks fails the condition, except `!=` and
 * `not_in`, which a missing value satisfies.
 */
export function evaluateConditions(
  conditions: readonly Condition[],
  properties: FileProperties,
): boolean {
  return conditions.every((condition) => conditionHolds(condition, properties));
}

function conditionHolds(condition: Condition, properties: FileProperties): boolean {
  const operator = condition.operator ?? '==';
  const actual = propertyValue(condition.prop, properties);
  if (actual === undefined) return operator === '!=' || operator === 'not_in';

  const expected = condition.value;
  const same = (value: Scalar) =>
    sameValue(normalise(condition.prop, actual), normalise(condition.prop, value));
  switch (operator) {
    case '==':
      return !Array.isArray(expected) && same(expected);
    case '!=':
      return Array.isArray(expected) || !same(expected);
    case 'in':
      return Array.isArray(expected) && expected.some(same);
    case 'not_in':
      return Array.isArray(expected) && !expected.some(same);
    case '>':
    case '>=':
    case '<':
    case '<=':
      return compareNumbers(operator, actual, expected);
    case 'contains':
      return (
        typeof actual === 'string' && typeof expected === 'string' && actual.includes(expected)
      );
    case 'starts_with':
      return (
        typeof actual === 'string' && typeof expected === 'string' && actual.startsWith(expected)
      );
  }
}

/** The property's value, or undefined when the file lacks it; orientation is derived when not probed. */
function propertyValue(prop: Condition['prop'], properties: FileProperties): Scalar | undefined {
  const value: unknown = properties[prop];
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : value;
  if (prop === 'orientation') return orientationOf(properties.width, properties.height);
  return undefined;
}

function orientationOf(width: unknown, height: unknown): string | undefined {
  const w = toNumber(width);
  const h = toNumber(height);
  if (w === undefined || h === undefined || w <= 0 || h <= 0) return undefined;
  return w > h ? 'landscape' : w < h ? 'portrait' : 'square';
}

/** `text` is the ittybit-style name for a track (contracts, FILE_PROPERTIES). */
function normalise(prop: Condition['prop'], value: Scalar): Scalar {
  return prop === 'kind' && value === 'text' ? 'track' : value;
}

/** Numbers compare as numbers, also when one side arrives as a numeric string (a bigint column, say). */
function sameValue(a: Scalar, b: Scalar): boolean {
  if (typeof a === 'number' || typeof b === 'number') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x !== undefined && y !== undefined && x === y;
  }
  return a === b;
}

function compareNumbers(
  operator: '>' | '>=' | '<' | '<=',
  actual: Scalar,
  expected: Condition['value'],
): boolean {
  const a = toNumber(actual);
  const b = toNumber(expected);
  if (a === undefined || b === undefined) return false;
  switch (operator) {
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
  }
}

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}
