import type { List } from './types';

/** Pages of 100 unless the caller asks for another size: fewer round trips. */
export const ITERATE_PAGE_LIMIT = 100;

/**
 * Every item of a paged list, page after page, until the last (`meta.pages`)
 * or an empty one. Lists are newest first, so an item made while this runs
 * pushes older ones onto the next page: those met twice are yielded once.
 */
export async function* paginate<T extends { id: string }>(
  fetchPage: (page: number) => Promise<List<T>>,
  firstPage = 1,
): AsyncGenerator<T> {
  const seen = new Set<string>();
  for (let page = firstPage; ; page++) {
    const list = await fetchPage(page);
    for (const item of list.data) {
      if (seen.has(item.id)) continue;
      seen.add(item.id);
      yield item;
    }
    if (list.data.length === 0 || page >= list.meta.pages) return;
  }
}
