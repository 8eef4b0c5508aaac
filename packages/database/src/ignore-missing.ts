/** For `.catch()` of a file operation: a file already gone is fine, anything else is not. */
export function ignoreMissing(error: unknown): undefined {
  if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  return undefined;
}
