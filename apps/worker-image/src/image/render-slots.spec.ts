import { MediaflowError } from '@mediaflow/contracts';
import { RenderSlots } from './render-slots';

const running = new AbortController().signal;
/** Whether `promise` has settled, after the microtasks queued so far. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((resolve) => setImmediate(resolve));
  return done;
}

describe('RenderSlots', () => {
  it('grants as many as it has at once, then one per release, in order', async () => {
    const slots = new RenderSlots(2);
    const first = await slots.take(running);
    await slots.take(running);
    const third = slots.take(running);
    const fourth = slots.take(running);
    expect([await settled(third), await settled(fourth)]).toEqual([false, false]);
    first();
    first(); // a second release of the same slot frees nothing more
    expect([await settled(third), await settled(fourth)]).toEqual([true, false]);
  });

  it('takes a render cancelled while it waits out of the line, with the reason', async () => {
    const slots = new RenderSlots(1);
    const release = await slots.take(running);
    const abort = new AbortController();
    const cancelled = slots.take(abort.signal);
    const next = slots.take(running);
    abort.abort(new MediaflowError('cancelled', 'The task was cancelled'));
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    release();
    // The slot went to the next in line, not to the cancelled one.
    expect(await settled(next)).toBe(true);
  });

  it('refuses at once when already cancelled', async () => {
    const abort = new AbortController();
    abort.abort(new MediaflowError('cancelled', 'The task was cancelled'));
    await expect(new RenderSlots(1).take(abort.signal)).rejects.toMatchObject({
      code: 'cancelled',
    });
  });
});
