import { z } from 'zod';
import { TASK_KINDS, type TaskKindDeclaration } from '../kinds';

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
