import { z } from 'zod';
import {
  AutomationListSchema,
  AutomationSchema,
  DeletedAutomationSchema,
} from './automation';
import { ErrorBodySchema } from './errors';
import { idSchema } from './ids';

/**
 * A request/reply contract on core NATS: the subject, the version of the
 * payload shapes, and the schemas both ends parse with on arrival.
 */
export interface RpcDefinition<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  subject: string;
  version: number;
  request: Req;
  response: Res;
}

export type RpcRequest<D extends RpcDefinition> = z.input<D['request']>;
export type RpcResponse<D extends RpcDefinition> = z.output<D['response']>;

export function defineRpc<Req extends z.ZodType, Res extends z.ZodType>(
  definition: RpcDefinition<Req, Res>,
): RpcDefinition<Req, Res> {
  return definition;
}

/** What crosses the wire: `{ v, data }` out, `{ v, ok, data | error }` back. */
export const RpcRequestEnvelopeSchema = z.object({ v: z.number().int(), data: z.unknown() });
export const RpcReplyEnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ v: z.number().int(), ok: z.literal(true), data: z.unknown() }),
  z.object({ v: z.number().int(), ok: z.literal(false), error: ErrorBodySchema }),
]);
export type RpcReplyEnvelope = z.infer<typeof RpcReplyEnvelopeSchema>;

const projectId = idSchema('prj');

/**
 * The registry's contract. Bodies and queries travel as the client sent them
 * (after the gateway's own check): the registry owns automations and
 * validates again on arrival.
 */
export const registryRpc = {
  create: defineRpc({
    subject: 'registry.automations.create',
    version: 1,
    request: z.object({ project_id: projectId, body: z.unknown() }),
    response: AutomationSchema,
  }),
  list: defineRpc({
    subject: 'registry.automations.list',
    version: 1,
    request: z.object({ project_id: projectId, query: z.record(z.string(), z.unknown()) }),
    response: AutomationListSchema,
  }),
  get: defineRpc({
    subject: 'registry.automations.get',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: AutomationSchema,
  }),
  update: defineRpc({
    subject: 'registry.automations.update',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string(), body: z.unknown() }),
    response: AutomationSchema,
  }),
  delete: defineRpc({
    subject: 'registry.automations.delete',
    version: 1,
    request: z.object({ project_id: projectId, id: z.string() }),
    response: DeletedAutomationSchema,
  }),
} as const;

/** Every request/reply contract, for transports that look one up by subject. */
export const RPC_DEFINITIONS: readonly RpcDefinition[] = [...Object.values(registryRpc)];
