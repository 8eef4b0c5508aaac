import { InvalidStorageKeyError } from './key-validation';

/** Where a task attempt stores an output (runs.md, step 4): a redelivered attempt overwrites its own keys. */
export function outputKey(
  projectId: string,
  taskId: string,
  attempt: number,
  filename: string,
): string {
  return `${attemptPrefix(projectId, taskId, attempt)}${safeFilename(filename)}`;
}

/** Every output of one task attempt lives under this prefix (ends with `/`). */
export function attemptPrefix(projectId: string, taskId: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1) {
    throw new InvalidStorageKeyError(String(attempt), 'attempt must be a whole number ≥ 1');
  }
  return `projects/${idSegment(projectId)}/tasks/${idSegment(taskId)}/${attempt}/`;
}

/** Where an uploaded (or ingested) file is stored. */
export function uploadKey(projectId: string, fileId: string, filename: string): string {
  return `projects/${idSegment(projectId)}/files/${idSegment(fileId)}/${safeFilename(filename)}`;
}

const MAX_FILENAME_BYTES = 200;

/**
 * A user's file name made safe as the last key segment: separators and
 * control characters become `_`, leading dots and spaces go (no hidden or
 * dot-only names), long names are cut on a character boundary keeping the
 * extension, and nothing left means `file`.
 */
export function safeFilename(filename: string): string {
  let name = filename
    // Control characters are exactly what this replaces.
    // eslint-disable-next-line no-control-regex
    .replace(/[/\\\u0000-\u001f\u007f]/g, '_')
    .replace(/^[.\s]+/, '')
    .trimEnd();
  if (Buffer.byteLength(name) > MAX_FILENAME_BYTES) {
    const dot = name.lastIndexOf('.');
    const extension = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    name =
      truncateBytes(
        name.slice(0, name.length - extension.length),
        MAX_FILENAME_BYTES - Buffer.byteLength(extension),
      ) + extension;
  }
  return name === '' ? 'file' : name;
}

function truncateBytes(text: string, maxBytes: number): string {
  let out = '';
  for (const char of text) {
    if (Buffer.byteLength(out + char) > maxBytes) break;
    out += char;
  }
  return out;
}

function idSegment(id: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(id))
    throw new InvalidStorageKeyError(id, 'an id must be letters, digits, _ or -');
  return id;
}
