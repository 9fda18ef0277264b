import { expectStatus, type Harness } from './harness.js';

export interface FeedEvent {
  readonly id: string;
  readonly position: string;
  readonly type: string;
  readonly merchantId: string | null;
  readonly subjectId: string;
  readonly data: Record<string, unknown>;
}

/** Reads the whole event feed as `key` from `after` (a position), page by page. */
export async function readFeed(harness: Harness, options: { key?: string; after?: string; types?: string; limit?: number } = {}): Promise<FeedEvent[]> {
  const events: FeedEvent[] = [];
  let query = `after=${options.after ?? '0'}`;
  for (let page = 0; page < 10_000; page++) {
    const url = `/v1/events?${query}&limit=${options.limit ?? 500}${options.types !== undefined ? `&types=${options.types}` : ''}`;
    const body = expectStatus<{ data: FeedEvent[]; nextCursor: string }>(
      await harness.request('GET', url, undefined, options.key !== undefined ? { key: options.key } : {}),
      200,
    );
    events.push(...body.data);
    if (body.data.length < (options.limit ?? 500)) return events;
    query = `cursor=${body.nextCursor}`;
  }
  throw new Error('feed did not end');
}
