import { PublishedMarks, type PublishedMark } from './published-marks';

/** A write the test finishes by hand, recording what each one was given. */
function writes() {
  const calls: Array<{ marks: string[]; finish: (error?: Error) => void }> = [];
  const write = (marks: readonly PublishedMark[]) =>
    new Promise<void>((resolve, reject) =>
      calls.push({
        marks: marks.map((m) => `${m.id}.${m.attempt}`),
        finish: (error) => (error ? reject(error) : resolve()),
      }),
    );
  return { calls, write };
}

const mark = (id: string, attempt = 1): PublishedMark => ({ id, attempt });

describe('PublishedMarks', () => {
  it('writes a mark at once when no write is under way', async () => {
    const { calls, write } = writes();
    const marks = new PublishedMarks(write);
    const written = marks.add([mark('a')]);
    expect(calls.map((c) => c.marks)).toEqual([['a.1']]);
    calls[0]!.finish();
    await expect(written).resolves.toBeUndefined();
  });

  it('writes the marks that came during a write together, in one write after it', async () => {
    const { calls, write } = writes();
    const marks = new PublishedMarks(write);
    const first = marks.add([mark('a')]);
    const second = marks.add([mark('b'), mark('c', 2)]);
    const third = marks.add([mark('d')]);
    expect(calls).toHaveLength(1);
    calls[0]!.finish();
    await first;
    expect(calls.map((c) => c.marks)).toEqual([['a.1'], ['b.1', 'c.2', 'd.1']]);
    calls[1]!.finish();
    await Promise.all([second, third]);
    // Idle again: the next mark goes at once.
    void marks.add([mark('e')]);
    expect(calls).toHaveLength(3);
  });

  it('rejects the callers of a failed write only, and goes on with the next', async () => {
    const { calls, write } = writes();
    const marks = new PublishedMarks(write);
    const first = marks.add([mark('a')]);
    const second = marks.add([mark('b')]);
    calls[0]!.finish(new Error('database away'));
    await expect(first).rejects.toThrow('database away');
    calls[1]!.finish();
    await expect(second).resolves.toBeUndefined();
  });

  it('writes nothing for no marks', async () => {
    const { calls, write } = writes();
    await new PublishedMarks(write).add([]);
    expect(calls).toHaveLength(0);
  });
});
