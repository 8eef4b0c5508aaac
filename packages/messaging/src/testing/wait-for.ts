import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls until `condition` holds. The tests wait on what they expect to see,
 * never on a fixed time, so that a loaded machine only makes them slower;
 * the deadline is there to fail a test whose condition never comes.
 */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what = 'the condition',
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(20);
  }
}
