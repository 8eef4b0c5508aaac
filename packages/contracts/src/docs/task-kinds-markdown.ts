import { z } from 'zod';
import { attemptBudget, TASK_KINDS, type TaskKindDeclaration } from '../kinds';

const DECLARATIONS: readonly TaskKindDeclaration[] = Object.values(TASK_KINDS);

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  multipleOf?: number;
  pattern?: string;
  maxLength?: number;
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
}

function describeType(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(describeType).join(', or ');
  if (schema.enum) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const parts: string[] = [schema.type === 'integer' ? 'whole number' : (schema.type ?? 'any')];
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`${schema.minimum}..${schema.maximum}`);
  if (schema.multipleOf === 2) parts.push('even');
  if (schema.type === 'string' && schema.maxLength) parts.push(`≤ ${schema.maxLength} chars`);
  return parts.join(' ');
}

/** The kind's time budget in words, and what it gives inputs of 10 min and 1 h with the default options when they differ. */
function timeLimitLine(declaration: TaskKindDeclaration): string {
  const budget = declaration.timeBudget;
  if (!budget)
    return "Time limit: the worker's `MEDIAFLOW_TASK_TIMEOUT_MS` (its input is not known before).";
  const line = `Time limit of one attempt: ${budget.summary}.`;
  const media = declaration.accepts.find((kind) => kind === 'video' || kind === 'audio');
  if (!media) return line;
  const [short, long] = [600, 3600].map(
    (duration) => attemptBudget(budget, {}, { kind: media, duration })?.seconds,
  );
  return short === long
    ? line
    : `${line} With the default options, a 10 min input gets ${short} s, a 1 h one ${long} s.`;
}

/**
 * docs/task-kinds.md, made from the kind declarations themselves so that the
 * reference can never drift from what the validator accepts.
 */
export function taskKindsMarkdown(): string {
  const lines = [
    '# Task kinds',
    '',
    '<!-- Generated from packages/contracts/src/kinds by `pnpm --filter @mediaflow/contracts docs`. Do not edit. -->',
    '',
    'Every option is optional. Unknown options and out-of-range values are refused with a 400 that names the JSON path.',
    'Options may be written under `options` or flat beside `kind`.',
    '',
    "Each kind has a time limit for one attempt, from its input's duration: the worker stops the attempt at the lower of",
    'it and its own `MEDIAFLOW_TASK_TIMEOUT_MS`, and such a timeout is not retried (another attempt would do the same work).',
    "A step whose input needs more than its worker's `MEDIAFLOW_TASK_TIMEOUT_MS` fails at once with `input_too_large`.",
    '',
    '| kind | accepts | makes | worker |',
    '|---|---|---|---|',
  ];
  for (const declaration of DECLARATIONS) {
    const accepts = declaration.internal
      ? 'a URL (made by the scheduler)'
      : declaration.accepts.join(', ');
    const makes =
      declaration.output === 'data'
        ? 'data (passes its input on)'
        : declaration.output === 'source'
          ? 'the source file'
          : `${declaration.output} file`;
    lines.push(`| \`${declaration.kind}\` | ${accepts} | ${makes} | ${declaration.worker} |`);
  }
  for (const declaration of DECLARATIONS) {
    lines.push('', `## ${declaration.kind}`, '', declaration.summary, '');
    if (declaration.internal)
      lines.push(
        'Added by the scheduler as the first step of a run on a URL; not written in workflows.',
        '',
      );
    lines.push(timeLimitLine(declaration), '');
    const schema = z.toJSONSchema(declaration.options, {
      io: 'input',
      unrepresentable: 'any',
    }) as JsonSchema;
    const properties = Object.entries(schema.properties ?? {});
    if (properties.length === 0) {
      lines.push('No options.');
      continue;
    }
    lines.push('| option | type | default | notes |', '|---|---|---|---|');
    for (const [name, property] of properties) {
      const fallback =
        property.default === undefined ? '' : `\`${JSON.stringify(property.default)}\``;
      lines.push(
        `| \`${name}\` | ${describeType(property)} | ${fallback} | ${property.description ?? ''} |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
