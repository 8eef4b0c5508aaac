import { KeyedLanes, type LaneHold } from './keyed-lanes';

interface Item {
  key: string;
  name: string;
}

/** Lanes whose items each wait for the test to finish them, recording when they start and end. */
function lanes(answer: (item: Item) => LaneHold<Item> | void = () => undefined) {
  const log: string[] = [];
  const finishers = new Map<string, () => void>();
  const errors: unknown[] = [];
  const subject = new KeyedLanes<Item>(
    async (item) => {
      log.push(`start ${item.name}`);
      await new Promise<void>((resolve) => finishers.set(item.name, resolve));
      log.push(`end ${item.name}`);
      return answer(item);
    },
    (error) => errors.push(error),
  );
  const push = (key: string, name: string) => subject.push(key, { key, name });
  /** Lets a running item finish, and waits until the lanes have moved on. */
  const finish = async (name: string) => {
    const done = finishers.get(name);
    if (!done) throw new Error(`${name} is not running (log: ${log.join(', ')})`);
    finishers.delete(name);
    done();
    await settle();
  };
  /** The items that started, in order. */
  const started = () => log.filter((l) => l.startsWith('start ')).map((l) => l.slice(6));
  return { subject, log, push, finish, started, errors };
}

/** a1 is given back, and its lane waits for the item named `awaited` (none: never comes) or for `until`. */
function holdA1(awaited: string | null, until: Promise<void>) {
  return (item: Item): LaneHold<Item> | void =>
    item.name === 'a1' ? { awaits: (next) => next.name === awaited, until } : undefined;
}

/** A few turns of the microtask queue: what was made ready has run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedLanes', () => {
  it('runs the items of one key one at a time, in the order pushed', async () => {
    const { subject, log, push, finish } = lanes();
    push('a', 'a1');
    push('a', 'a2');
    push('a', 'a3');
    await settle();
    expect(log).toEqual(['start a1']);
    await finish('a1');
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    await finish('a2');
    await finish('a3');
    await subject.idle();
    expect(log).toEqual(['start a1', 'end a1', 'start a2', 'end a2', 'start a3', 'end a3']);
    expect(subject.size).toBe(0);
  });

  it('runs the items of different keys side by side', async () => {
    const { subject, log, push, finish } = lanes();
    push('a', 'a1');
    push('b', 'b1');
    push('a', 'a2');
    await settle();
    expect(log).toEqual(['start a1', 'start b1']);
    expect(subject.size).toBe(2);
    await finish('b1');
    expect(log).toEqual(['start a1', 'start b1', 'end b1']);
    await finish('a1');
    await finish('a2');
    await subject.idle();
    expect(subject.size).toBe(0);
  });

  it('holds a lane until the item it gave back comes again, which then runs first', async () => {
    const until = deferred();
    const { subject, log, push, finish, started } = lanes(holdA1('a1 again', until.promise));
    push('a', 'a1');
    push('a', 'a2');
    push('b', 'b1');
    await finish('a1');
    // a2 waits for a1's redelivery; b's lane goes on.
    expect(log).toEqual(['start a1', 'start b1', 'end a1']);
    push('a', 'a3');
    push('a', 'a1 again');
    await settle();
    expect(log.at(-1)).toBe('start a1 again');
    await finish('a1 again');
    await finish('a2');
    await finish('a3');
    await finish('b1');
    await subject.idle();
    expect(started().filter((name) => name.startsWith('a'))).toEqual([
      'a1',
      'a1 again',
      'a2',
      'a3',
    ]);
  });

  it('goes on when the hold ends without the item coming again', async () => {
    const until = deferred();
    const { subject, log, push, finish } = lanes(holdA1(null, until.promise));
    push('a', 'a1');
    push('a', 'a2');
    await finish('a1');
    expect(log).toEqual(['start a1', 'end a1']);
    until.resolve();
    await settle();
    expect(log).toEqual(['start a1', 'end a1', 'start a2']);
    await finish('a2');
    await subject.idle();
  });

  it('does not wait for an awaited item that came back while its run was finishing', async () => {
    const { subject, log, push, finish, started } = lanes(
      holdA1('a1 again', new Promise<void>(() => undefined)),
    );
    push('a', 'a1');
    push('a', 'a2');
    push('a', 'a1 again');
    await finish('a1');
    expect(log.at(-1)).toBe('start a1 again');
    await finish('a1 again');
    await finish('a2');
    await subject.idle();
    expect(started()).toEqual(['a1', 'a1 again', 'a2']);
  });

  it('reports a run that throws, and goes on with the lane', async () => {
    const errors: unknown[] = [];
    const ran: string[] = [];
    const subject = new KeyedLanes<string>(
      async (item) => {
        ran.push(item);
        if (item === 'bad') throw new Error('boom');
      },
      (error) => errors.push(error),
    );
    subject.push('a', 'bad');
    subject.push('a', 'good');
    await subject.idle();
    expect(ran).toEqual(['bad', 'good']);
    expect(errors).toEqual([new Error('boom')]);
  });
});
