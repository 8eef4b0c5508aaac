import { z } from 'zod';
import { storableText } from './text';

/**
 * The input-file properties a `conditions` step can test (docs/http-api.md, Workflows),
 * with the type of value each holds. `text` is accepted as a `kind` value and
 * matches text tracks, as the ittybit-style docs call them.
 */
export const FILE_PROPERTIES = {
  kind: { type: 'string', values: ['video', 'image', 'audio', 'track', 'text'] },
  mimetype: { type: 'string' },
  format: { type: 'string' },
  width: { type: 'number' },
  height: { type: 'number' },
  duration: { type: 'number' },
  fps: { type: 'number' },
  filesize: { type: 'number' },
  has_audio: { type: 'boolean' },
  has_video: { type: 'boolean' },
  orientation: { type: 'string', values: ['landscape', 'portrait', 'square'] },
} as const satisfies Record<
  string,
  { type: 'string' | 'number' | 'boolean'; values?: readonly string[] }
>;

export type FileProperty = keyof typeof FILE_PROPERTIES;
export const FILE_PROPERTY_NAMES = Object.keys(FILE_PROPERTIES) as [
  FileProperty,
  ...FileProperty[],
];

export const CONDITION_OPERATORS = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not_in',
  'contains',
  'starts_with',
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** Which property types each operator applies to. */
export const OPERATOR_APPLIES_TO: Record<
  ConditionOperator,
  readonly ('string' | 'number' | 'boolean')[]
> = {
  '==': ['string', 'number', 'boolean'],
  '!=': ['string', 'number', 'boolean'],
  '>': ['number'],
  '>=': ['number'],
  '<': ['number'],
  '<=': ['number'],
  in: ['string', 'number'],
  not_in: ['string', 'number'],
  contains: ['string'],
  starts_with: ['string'],
};

const ConditionValueSchema = z.union([
  storableText(),
  z.number(),
  z.boolean(),
  // Kept in step with WORKFLOW_LIMITS.maxConditionValues (workflow.ts imports this file).
  z
    .array(z.union([storableText(), z.number()]))
    .min(1)
    .max(100),
]);

export const ConditionSchema = z
  .strictObject({
    prop: z.enum(FILE_PROPERTY_NAMES),
    operator: z.enum(CONDITION_OPERATORS).optional().meta({ default: '==' }),
    value: ConditionValueSchema,
  })
  .meta({ id: 'Condition' });
export type Condition = z.infer<typeof ConditionSchema>;

/** The properties of a probed file, as conditions see them. */
export type FileProperties = Partial<{
  [P in FileProperty]: (typeof FILE_PROPERTIES)[P]['type'] extends 'number'
    ? number
    : (typeof FILE_PROPERTIES)[P]['type'] extends 'boolean'
      ? boolean
      : string;
}>;
