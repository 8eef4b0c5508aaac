/** Polls `check` every `intervalMs` until it holds; past `timeoutMs` fails naming `what`. A throw ends it at once. */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean> | boolean,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
