import { WebhookSendQueue } from './webhook-send-queue';

/** A queue whose sends last until the test finishes them. */
function queue(concurrency: number, waitingLimit: number) {
  const finish = new Map<string, (error?: Error) => void>();
  const started: string[] = [];
  const errors: string[] = [];
  const sends = new WebhookSendQueue(
    concurrency,
    waitingLimit,
    (id) =>
      new Promise<void>((resolve, reject) => {
        started.push(id);
        finish.set(id, (error) => (error ? reject(error) : resolve()));
      }),
    (id, error) => errors.push(`${id}: ${(error as Error).message}`),
  );
  const done = async (id: string, error?: Error) => {
    finish.get(id)!(error);
    // Let the send's settlement start the next one.
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Finishes these sends, one after the other. */
  const doneAll = async (...ids: string[]) => {
    for (const id of ids) await done(id);
  };
  const offer = (...ids: string[]) => ids.map((id) => sends.offer(id));
  return { sends, started, errors, done, doneAll, offer };
}

describe('WebhookSendQueue', () => {
  it('sends at most `concurrency` at once, the rest in the order offered as sends finish', async () => {
    const { started, done, offer } = queue(2, 10);
    expect(offer('a', 'b', 'c', 'd')).toEqual([true, true, true, true]);
    expect(started).toEqual(['a', 'b']);
    await done('b');
    expect(started).toEqual(['a', 'b', 'c']);
    await done('a');
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('refuses past the waiting limit, and has room again once sends finish', async () => {
    const { sends, started, done, doneAll, offer } = queue(1, 2);
    expect(offer('a', 'b', 'c', 'd')).toEqual([true, true, true, false]);
    expect(sends.room()).toBe(0);
    await done('a');
    expect(sends.room()).toBe(1);
    expect(sends.offer('e')).toBe(true);
    await doneAll('b', 'c', 'e');
    expect(started).toEqual(['a', 'b', 'c', 'e']);
  });

  it('takes a delivery that is already waiting or being sent once', async () => {
    const { sends, started, doneAll, offer } = queue(1, 5);
    expect(offer('a', 'b', 'a', 'b')).toEqual([true, true, true, true]);
    expect(sends.room()).toBe(4);
    await doneAll('a', 'b');
    expect(started).toEqual(['a', 'b']);
  });

  it('reports a send that throws and goes on with the next', async () => {
    const { started, errors, done, offer } = queue(1, 5);
    offer('a', 'b');
    await done('a', new Error('database gone'));
    expect(errors).toEqual(['a: database gone']);
    expect(started).toEqual(['a', 'b']);
  });

  it('on close forgets those waiting, waits for those being sent, and takes no more', async () => {
    const { sends, started, done, offer } = queue(1, 5);
    offer('a', 'b');
    let closed = false;
    const closing = sends.close().then(() => (closed = true));
    expect(sends.offer('c')).toBe(false);
    expect(sends.room()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    await done('a');
    await closing;
    expect(started).toEqual(['a']);
  });
});
