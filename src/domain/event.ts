/** Every kind of state change Coffer announces, in the feed and to webhooks. */
export const eventTypes = [
  'wallet.created',
  'wallet.status_changed',
  'wallet.balance_below_threshold',
  'transaction.pending',
  'transaction.posted',
  'transaction.voided',
  'transaction.expired',
  'transaction.reversed',
  'transaction.failed',
  'card.frozen',
  'card.unfrozen',
  'card.destroyed',
  'card.replaced',
  'instrument.created',
  'instrument.updated',
] as const;
export type EventType = (typeof eventTypes)[number];

/** A JSON value as stored in an event's data: amounts are strings of digits, never numbers. */
export type EventData = Readonly<Record<string, unknown>>;

/** What a service hands to `recordEvent`: the change, and whose it is. */
export interface NewEvent {
  readonly type: EventType;
  /** The merchant whose keys may see the event; null for admin-only events. */
  readonly merchantId: string | null;
  /** The object the event is about (wallet, transaction…). */
  readonly subjectId: string;
  readonly data: EventData;
}

/** An event as the feed shows it: `position` is its place in the gap-free, committed order. */
export interface CofferEvent extends NewEvent {
  readonly id: string;
  readonly position: bigint;
  readonly createdAt: Date;
}

export interface EventFilter {
  readonly afterPosition: bigint;
  readonly merchantId: string | null;
  readonly types: readonly string[] | null;
  readonly limit: number;
}

/** An event to insert: its id, what happened and when. */
export interface EventRow {
  readonly id: string;
  readonly event: NewEvent;
  readonly createdAt: Date;
}
