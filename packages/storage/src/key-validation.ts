/** A storage key (or prefix) that could escape the root or is not a plain relative path. */
export class InvalidStorageKeyError extends Error {
  constructor(key: string, reason: string) {
    super(`Invalid storage key ${JSON.stringify(key)}: ${reason}`);
    this.name = 'InvalidStorageKeyError';
  }
}

const MAX_KEY_LENGTH = 1024;

/**
 * Keys are relative, slash-separated paths. Besides refusing absolute paths,
 * `..` and NUL, no segment may be empty or start with a dot: that rules out
 * `.`/`..` in every spelling and keeps the local driver's own `.tmp` apart.
 * Backslashes are refused so a key means the same on every platform.
 */
export function assertStorageKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0)
    throw new InvalidStorageKeyError(String(key), 'empty');
  if (key.length > MAX_KEY_LENGTH)
    throw new InvalidStorageKeyError(key, `longer than ${MAX_KEY_LENGTH} characters`);
  if (key.includes('\0')) throw new InvalidStorageKeyError(key, 'contains NUL');
  if (key.includes('\\')) throw new InvalidStorageKeyError(key, 'contains a backslash');
  if (key.startsWith('/') || /^[A-Za-z]:/.test(key))
    throw new InvalidStorageKeyError(key, 'absolute path');
  for (const segment of key.split('/')) {
    if (segment === '') throw new InvalidStorageKeyError(key, 'empty path segment');
    if (segment === '..') throw new InvalidStorageKeyError(key, 'contains ..');
    if (segment.startsWith('.'))
      throw new InvalidStorageKeyError(key, `segment ${JSON.stringify(segment)} starts with a dot`);
  }
}

/** A prefix is a key naming a directory; one trailing slash is allowed. */
export function assertStoragePrefix(prefix: string): string {
  const trimmed = typeof prefix === 'string' && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  assertStorageKey(trimmed);
  return trimmed;
}
