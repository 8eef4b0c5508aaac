import { isFinalStatus, type TaskObject } from '@mediaflow/contracts';

/** The longest `Prefer: wait` honoured, in seconds: longer ones are held to it. */
export const MAX_PREFER_WAIT_S = 60;
export const PREFERENCE_APPLIED_HEADER = 'Preference-Applied';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The seconds `Prefer: wait=N` (RFC 7240) asks for, held to 60. Undefined
 * without one, for `wait=0`, and for a malformed one, which RFC 7240 says
 * to ignore; only the first `wait` counts (RFC 7240 §2). Other preferences
 * and parameters are ignored.
 */
export function preferredWait(header: string | string[] | undefined): number | undefined {
  const values = header === undefined ? [] : Array.isArray(header) ? header : [header];
  for (const preference of values.flatMap(listElements)) {
    const [head = ''] = preference.split(';');
    const equals = head.indexOf('=');
    const name = (equals < 0 ? head : head.slice(0, equals)).trim();
    if (!TOKEN.test(name) || name.toLowerCase() !== 'wait') continue;
    const value = unquote(equals < 0 ? '' : head.slice(equals + 1).trim());
    if (!/^\d+$/.test(value)) return undefined;
    const seconds = Math.min(Number(value), MAX_PREFER_WAIT_S);
    return seconds > 0 ? seconds : undefined;
  }
  return undefined;
}

/** `Preference-Applied` for an answer: `wait=N` when the task it holds has ended, else none. */
export function preferenceApplied(
  waitS: number | undefined,
  task: Pick<TaskObject, 'status'>,
): string | undefined {
  return waitS !== undefined && isFinalStatus(task.status) ? `wait=${waitS}` : undefined;
}

/** The answer to a POST that may have waited: the task, with `Preference-Applied` when the wait saw it end. */
export function answerPreference(
  reply: { header(name: string, value: string): unknown },
  waitS: number | undefined,
  task: TaskObject,
): TaskObject {
  const applied = preferenceApplied(waitS, task);
  if (applied !== undefined) reply.header(PREFERENCE_APPLIED_HEADER, applied);
  return task;
}

/** The elements of a comma-separated header list; commas inside quoted strings stay. */
function listElements(value: string): string[] {
  return value.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? [];
}

function unquote(word: string): string {
  return word.length >= 2 && word.startsWith('"') && word.endsWith('"')
    ? word.slice(1, -1).replace(/\\(.)/g, '$1')
    : word;
}
