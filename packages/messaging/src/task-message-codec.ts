import type { z } from 'zod';

export type DecodedTaskMessage<T> = { ok: true; value: T } | { ok: false; reason: string };

export function encodeTaskMessage(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value));
}

/**
 * Reads a task message with its contract schema, as an HTTP body would be
 * read: anything that is not JSON or does not match says why, path by path.
 */
export function decodeTaskMessage<S extends z.ZodType>(
  schema: S,
  bytes: Uint8Array,
): DecodedTaskMessage<z.output<S>> {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(message)'}: ${issue.message}`,
  );
  return { ok: false, reason: issues.join('; ') };
}
