/** One page of a list: its items and the cursor of the next page (`null` on the last). */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/**
 * A list call. `for await (const item of pager)` walks every page following `nextCursor`;
 * `await pager.page()` fetches the first page only (or the page at `cursor`).
 */
export class Pager<T> implements AsyncIterable<T> {
  constructor(
    private readonly fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
    private readonly firstCursor?: string,
  ) {}

  /** The first page (or the page at `cursor`). */
  page(cursor?: string): Promise<Page<T>> {
    return this.fetchPage(cursor ?? this.firstCursor);
  }

  /** Every page in turn. */
  async *pages(): AsyncGenerator<Page<T>, void, undefined> {
    let cursor = this.firstCursor;
    for (;;) {
      const page = await this.fetchPage(cursor);
      yield page;
      // The event feed always names a next cursor (to tail it): an empty page ends the walk too.
      if (page.nextCursor === null || page.nextCursor === undefined || page.nextCursor === '' || page.data.length === 0) return;
      cursor = page.nextCursor;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for await (const page of this.pages()) yield* page.data;
  }

  /** Every item of every page in one array (at most `max` items, when given). */
  async toArray(max = Number.POSITIVE_INFINITY): Promise<T[]> {
    const items: T[] = [];
    for await (const item of this) {
      if (items.length >= max) break;
      items.push(item);
    }
    return items;
  }
}
