import { WorkSlots } from './work-slots';

describe('WorkSlots', () => {
  it('grants at most its size at once, then hands released slots to waiters in order', async () => {
    const slots = new WorkSlots(2);
    await expect(slots.acquire()).resolves.toBe(true);
    await expect(slots.acquire()).resolves.toBe(true);
    const order: string[] = [];
    const a = slots.acquire().then((granted) => order.push(`a:${granted}`));
    const b = slots.acquire().then((granted) => order.push(`b:${granted}`));
    await Promise.resolve();
    expect(order).toEqual([]);
    expect(slots.used).toBe(2);

    slots.release();
    await a;
    expect(order).toEqual(['a:true']);
    // A newcomer waits behind b.
    const c = slots.acquire().then((granted) => order.push(`c:${granted}`));
    slots.release();
    await b;
    expect(order).toEqual(['a:true', 'b:true']);
    slots.close();
    await c;
    expect(order).toEqual(['a:true', 'b:true', 'c:false']);
    await expect(slots.acquire()).resolves.toBe(false);
  });

  it('grants a free slot without waiting, and none when full or closed', async () => {
    const slots = new WorkSlots(2);
    expect(slots.tryAcquire()).toBe(true);
    expect(slots.tryAcquire()).toBe(true);
    expect(slots.tryAcquire()).toBe(false);
    slots.release();
    expect(slots.tryAcquire()).toBe(true);
    slots.release();
    slots.close();
    expect(slots.tryAcquire()).toBe(false);
  });

  it('never frees more than its size', async () => {
    const slots = new WorkSlots(1);
    slots.release();
    slots.release();
    await expect(slots.acquire()).resolves.toBe(true);
    expect(slots.used).toBe(1);
  });

  it('refuses a size that is not a whole number ≥ 1', () => {
    expect(() => new WorkSlots(0)).toThrow(/concurrency must be a whole number ≥ 1 \(got 0\)/);
    expect(() => new WorkSlots(1.5)).toThrow(/concurrency/);
  });
});
