import {
  MediaflowError,
  RpcReplyEnvelopeSchema,
  RpcRequestEnvelopeSchema,
  type RpcDefinition,
  type RpcReplyEnvelope,
} from '@mediaflow/contracts';
import { type z } from 'zod';

/**
 * The wire format of request/reply, shared by every driver so that they
 * behave alike: JSON `{ v, data }` out, `{ v, ok, data | error }` back, each
 * side parsing the other's payload with the contract's schema on arrival.
 */
export function encodeRequest(definition: RpcDefinition, data: unknown): Uint8Array {
  return Buffer.from(JSON.stringify({ v: definition.version, data }));
}

export function decodeJson(bytes: Uint8Array): unknown {
  return JSON.parse(Buffer.from(bytes).toString('utf8'));
}

/** Parses an arriving request; throws a MediaflowError the caller can reply with. */
export function parseRequest(definition: RpcDefinition, bytes: Uint8Array): unknown {
  let envelope: unknown;
  try {
    envelope = decodeJson(bytes);
  } catch {
    throw new MediaflowError('validation_failed', `${definition.subject}: the request is not JSON`);
  }
  const parsed = RpcRequestEnvelopeSchema.safeParse(envelope);
  if (!parsed.success)
    throw new MediaflowError('validation_failed', `${definition.subject}: not a request envelope`);
  if (parsed.data.v !== definition.version) {
    throw new MediaflowError(
      'validation_failed',
      `${definition.subject}: contract version ${parsed.data.v} is not served here (this side speaks ${definition.version})`,
    );
  }
  const request = definition.request.safeParse(parsed.data.data);
  if (!request.success) {
    throw new MediaflowError(
      'validation_failed',
      `${definition.subject}: the request does not match its contract`,
      request.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return request.data;
}

export function encodeReply(
  definition: RpcDefinition,
  reply: { data: unknown } | { error: MediaflowError },
): Uint8Array {
  const envelope: RpcReplyEnvelope =
    'error' in reply
      ? { v: definition.version, ok: false, error: reply.error.toBody() }
      : { v: definition.version, ok: true, data: reply.data };
  return Buffer.from(JSON.stringify(envelope));
}

/** Reads a reply: the parsed response, or the MediaflowError the other side answered with. */
export function parseReply<D extends RpcDefinition>(
  definition: D,
  bytes: Uint8Array,
): z.output<D['response']> {
  const envelope = RpcReplyEnvelopeSchema.safeParse(safeDecode(bytes));
  if (!envelope.success)
    throw new MediaflowError(
      'internal',
      `${definition.subject}: the reply is not a reply envelope`,
    );
  if (!envelope.data.ok) throw MediaflowError.fromBody(envelope.data.error);
  const response = definition.response.safeParse(envelope.data.data);
  if (!response.success)
    throw new MediaflowError(
      'internal',
      `${definition.subject}: the reply does not match its contract`,
    );
  return response.data as z.output<D['response']>;
}

function safeDecode(bytes: Uint8Array): unknown {
  try {
    return decodeJson(bytes);
  } catch {
    return undefined;
  }
}

/** Any error a handler throws, as what the caller should see: unknown errors never leak their text. */
export function toReplyError(error: unknown): MediaflowError {
  if (error instanceof MediaflowError) return error;
  return new MediaflowError('internal', 'Internal error');
}
