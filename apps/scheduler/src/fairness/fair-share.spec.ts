import { pickFair, publishAtOnce, queueLimit, roomToRelease } from './fair-share';

const held = (...tasks: Array<[id: string, project: string]>) =>
  tasks.map(([id, project_id]) => ({ id, project_id }));

describe('queueLimit and roomToRelease', () => {
  it('lets the queue be as long as what runs, and never shorter than the minimum', () => {
    expect(queueLimit({ processing: 0 }, 4)).toBe(4);
    expect(queueLimit({ processing: 16 }, 4)).toBe(16);
    expect(roomToRelease({ queued: 3, processing: 16, held: 50 }, 4)).toBe(13);
    expect(roomToRelease({ queued: 20, processing: 16, held: 50 }, 4)).toBe(0);
  });
});

describe('publishAtOnce', () => {
  const settings = { minQueue: 4 };

  it('publishes while the queue has room and nothing is held', () => {
    expect(publishAtOnce({ queued: 4, processing: 0, held: 0 }, 4, settings)).toBe(true);
  });

  it('holds when the queue is over its limit', () => {
    expect(publishAtOnce({ queued: 5, processing: 0, held: 0 }, 5, settings)).toBe(false);
    expect(publishAtOnce({ queued: 5, processing: 8, held: 0 }, 5, settings)).toBe(true);
  });

  it('holds behind tasks already held, so that the fair pick decides', () => {
    expect(publishAtOnce({ queued: 0, processing: 0, held: 1 }, 1, settings)).toBe(false);
  });

  it("holds a project's task over its cap, whatever room the queue has", () => {
    const capped = { ...settings, projectCap: 2 };
    expect(publishAtOnce({ queued: 1, processing: 2, held: 0 }, 2, capped)).toBe(true);
    expect(publishAtOnce({ queued: 1, processing: 2, held: 0 }, 3, capped)).toBe(false);
  });
});

describe('pickFair', () => {
  it("serves a project with one task before another's backlog", () => {
    const backlog = held(['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B']);
    expect(pickFair(backlog, new Map([['A', 10]]), 1)).toEqual(['b1']);
  });

  it('takes turns between projects with equal loads, the longest held first', () => {
    const tasks = held(['a1', 'A'], ['a2', 'A'], ['b1', 'B'], ['b2', 'B'], ['c1', 'C']);
    expect(pickFair(tasks, new Map(), 5)).toEqual(['a1', 'b1', 'c1', 'a2', 'b2']);
  });

  it('fills the least served project up to the others before taking turns', () => {
    const tasks = held(['a1', 'A'], ['a2', 'A'], ['a3', 'A'], ['b1', 'B']);
    const inFlight = new Map([['B', 2]]);
    expect(pickFair(tasks, inFlight, 4)).toEqual(['a1', 'a2', 'a3', 'b1']);
    expect(pickFair(tasks, inFlight, 2)).toEqual(['a1', 'a2']);
  });

  it('never picks more than the room or than is held', () => {
    const tasks = held(['a1', 'A'], ['b1', 'B']);
    expect(pickFair(tasks, new Map(), 0)).toEqual([]);
    expect(pickFair(tasks, new Map(), 10)).toEqual(['a1', 'b1']);
  });

  it('skips a project at its cap and leaves its tasks held', () => {
    const tasks = held(['a1', 'A'], ['a2', 'A'], ['b1', 'B']);
    expect(pickFair(tasks, new Map([['A', 1]]), 5, 2)).toEqual(['b1', 'a1']);
    expect(pickFair(tasks, new Map([['A', 2]]), 5, 2)).toEqual(['b1']);
  });
});
