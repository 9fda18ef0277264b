/** One link of the journal's hash chain. */
export interface JournalLink {
  readonly seq: bigint;
  readonly transactionId: string;
  readonly previousHash: string;
  readonly hash: string;
  readonly body: string;
}

/** The chain's head: the last link written, and the transactions that predate the journal. */
export interface JournalHead {
  readonly seq: bigint;
  readonly hash: string;
  readonly transactionsBefore: bigint;
}

/** A journal link waiting for the end of its database transaction: what it seals, already canonical. */
export interface QueuedLink {
  readonly transactionId: string;
  readonly body: string;
}
