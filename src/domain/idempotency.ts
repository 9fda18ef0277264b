/** What claiming an Idempotency-Key found: it is now ours, another request holds it, or its response is recorded. */
export type IdempotencyClaim =
  | { readonly state: 'claimed' }
  /** `leaseUntil`: when the holder's lease ends unless renewed (null: not known, e.g. the holder is a request of the same batch). */
  | { readonly state: 'in_flight'; readonly requestHash: string; readonly leaseUntil: Date | null }
  | { readonly state: 'done'; readonly requestHash: string; readonly statusCode: number; readonly response: unknown };

/** The recorded outcome of a claimed key. */
export interface IdempotencyCompletion {
  readonly scope: string;
  readonly key: string;
  /** When this request claimed the key: the fence against a later request that took the claim over. */
  readonly claimedAt: Date;
  readonly statusCode: number;
  readonly response: unknown;
}

/** A request asking for its key. */
export interface IdempotencyClaimRequest {
  readonly scope: string;
  readonly key: string;
  readonly requestHash: string;
  readonly now: Date;
  readonly expiresAt: Date;
  /** The claim's lease: until then no other request may take it over (renewed while the request runs). */
  readonly leaseUntil: Date;
}

/** A claim to keep: its lease is pushed to `leaseUntil` while its request still runs. */
export interface IdempotencyLease {
  readonly scope: string;
  readonly key: string;
  readonly claimedAt: Date;
}
