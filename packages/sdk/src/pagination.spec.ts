import { paginate } from './pagination';
import type { List } from './types';

function page(ids: string[], pageNo: number, pages: number): List<{ id: string }> {
  return {
    object: 'list',
    data: ids.map((id) => ({ id })),
    meta: { page: pageNo, limit: 2, total: pages * 2, pages },
  };
}

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('paginate', () => {
  it('reads page after page until the last one', async () => {
    const asked: number[] = [];
    const pages = [['a', 'b'], ['c', 'd'], ['e']];
    const items = await all(
      paginate(async (n) => {
        asked.push(n);
        return page(pages[n - 1]!, n, 3);
      }),
    );
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(asked).toEqual([1, 2, 3]);
  });

  it('yields once an item pushed onto the next page by a newer one', async () => {
    // Newest first: `x` was made between the two reads, so `b` moved to page 2.
    const pages = [
      ['a', 'b'],
      ['b', 'c'],
    ];
    const items = await all(paginate(async (n) => page(pages[n - 1]!, n, 2)));
    expect(items.map((i) => i.id)).toEqual(['a', 'b', 'c']);
  });

  it('stops at an empty page and reads nothing more than it is asked for', async () => {
    expect(await all(paginate(async (n) => page([], n, 0)))).toEqual([]);
    let reads = 0;
    for await (const _item of paginate(async (n) => (reads++, page(['a', 'b'], n, 5)))) break;
    expect(reads).toBe(1);
  });
});
