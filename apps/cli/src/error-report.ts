import { UsageError, WorkFailedError } from './cli-errors';

/** What the API answered, as the SDK's MediaflowApiError carries it. */
interface ApiErrorShape {
  status: number;
  code: string;
  message: string;
  details?: { path: string; message: string }[];
}

function isApiError(error: unknown): error is ApiErrorShape {
  const e = error as Partial<ApiErrorShape> | null;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.status === 'number' &&
    typeof e.code === 'string' &&
    typeof e.message === 'string'
  );
}

/** The error envelope of the API, which `--json` writes to stderr for any error. */
export interface ErrorEnvelope {
  error: {
    code: string;
    message: string;
    status?: number;
    details?: { path: string; message: string }[];
  };
}

/**
 * Any error as the envelope: the API's own code for what it refused,
 * `usage` for a command used wrongly, `failed` for work that did not
 * succeed, `unreachable` when no answer came, `internal` for anything else.
 */
export function errorEnvelope(error: unknown): ErrorEnvelope {
  if (isApiError(error)) {
    return {
      error: {
        code: error.code,
        message: error.message,
        status: error.status,
        ...(error.details?.length ? { details: error.details } : {}),
      },
    };
  }
  if (error instanceof UsageError) return { error: { code: 'usage', message: error.message } };
  if (error instanceof WorkFailedError)
    return { error: { code: 'failed', message: error.message } };
  // The SDK's MediaflowConnectionError: no answer after its retries (refused, reset, timed out).
  if ((error as Error | null)?.name === 'MediaflowConnectionError') {
    return { error: { code: 'unreachable', message: (error as Error).message } };
  }
  const cause = networkCause(error);
  if (cause)
    return { error: { code: 'unreachable', message: `cannot reach the server: ${cause}` } };
  return { error: { code: 'internal', message: (error as Error)?.message ?? String(error) } };
}

/** Node's fetch fails with `TypeError: fetch failed` and the reason in `cause`. */
function networkCause(error: unknown): string | null {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (!(error instanceof TypeError) || !cause) return null;
  return typeof cause.code === 'string' ? cause.code : String(cause.message ?? cause);
}

/** What stderr says when a command stops on `error`. */
export function errorText(error: unknown, command: string): string {
  const { error: e } = errorEnvelope(error);
  const head =
    e.status !== undefined
      ? `mediaflow: ${e.message} (${e.code}, HTTP ${e.status})`
      : `mediaflow: ${e.message}`;
  const details = (e.details ?? []).map((d) => `  ${d.path || '(body)'}: ${d.message}`);
  const help = ['mediaflow', command, '--help'].filter(Boolean).join(' ');
  const hint = error instanceof UsageError ? [`Run \`${help}\` for usage.`] : [];
  return [head, ...details, ...hint].join('\n') + '\n';
}
