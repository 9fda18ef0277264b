import type { JournalLink } from '../store/journal-queries.js';
import type { Store } from '../store/store.js';
import { genesisHash, journalBody, linkHash } from './journal.js';

/** A digest saved elsewhere: the head at some moment. Verifying against it detects a truncated tail. */
export interface JournalDigest {
  readonly seq: bigint;
  readonly hash: string;
}

/** The first place the journal stops being trustworthy. `seq` is null when no single link is to blame. */
export interface BrokenLink {
  readonly seq: bigint | null;
  readonly transactionId: string | null;
  readonly reason: string;
}

export interface JournalReport {
  readonly ok: boolean;
  readonly links: number;
  readonly head: JournalDigest;
  readonly firstBroken: BrokenLink | null;
}

/** Links read per page while walking the chain: memory stays bounded on any ledger size. */
const pageSize = 500;

/** Parses `SEQ:HASH` as printed by `coffer verify --digest`; null when malformed. */
export function parseDigest(value: string): JournalDigest | null {
  const match = /^(\d{1,19}):([0-9a-f]{64})$/.exec(value.trim());
  return match === null ? null : { seq: BigInt(match[1] as string), hash: match[2] as string };
}

export function formatDigest(digest: JournalDigest): string {
  return `${digest.seq}:${digest.hash}`;
}

/** Checks one link against its predecessor and, for the last link of a transaction, against the transaction as stored now. */
async function checkLink(store: Store, link: JournalLink & { readonly latest: boolean }, previous: JournalDigest): Promise<BrokenLink | null> {
  const at = { seq: link.seq, transactionId: link.transactionId };
  if (link.seq !== previous.seq + 1n) {
    const missing = previous.seq + 1n;
    return { seq: missing, transactionId: null, reason: `link ${missing} is missing: the chain jumps from link ${previous.seq} to link ${link.seq}` };
  }
  if (link.previousHash !== previous.hash) return { ...at, reason: `its previous hash does not match the hash of link ${previous.seq}` };
  if (linkHash(link.previousHash, link.body) !== link.hash) return { ...at, reason: 'its hash does not match its previous hash and body' };
  if (!link.latest) return null;
  const transaction = await store.read.getTransaction(link.transactionId);
  if (transaction === null) return { ...at, reason: `transaction ${link.transactionId} is missing` };
  if (journalBody(transaction) !== link.body) {
    return { ...at, reason: `transaction ${link.transactionId} or its entries differ from what the link sealed` };
  }
  return null;
}

/** Walks the chain from the first link; returns the first break, or the last link reached. */
async function walkChain(store: Store): Promise<{ readonly last: JournalDigest; readonly links: number; readonly broken: BrokenLink | null }> {
  let last: JournalDigest = { seq: 0n, hash: genesisHash };
  let links = 0;
  for (;;) {
    const page = await store.read.journalPage(last.seq, pageSize);
    for (const link of page) {
      const broken = await checkLink(store, link, last);
      if (broken !== null) return { last, links, broken };
      last = { seq: link.seq, hash: link.hash };
      links++;
    }
    if (page.length < pageSize) return { last, links, broken: null };
  }
}

/** Compares the chain's end with a digest saved earlier: a shorter chain or another hash at that link is tampering. */
async function checkDigest(store: Store, last: JournalDigest, against: JournalDigest): Promise<BrokenLink | null> {
  if (against.seq > last.seq) {
    return { seq: against.seq, transactionId: null, reason: `the journal ends at link ${last.seq} but the saved digest names link ${against.seq}: its tail was truncated` };
  }
  if (against.seq === 0n) return against.hash === genesisHash ? null : { seq: 0n, transactionId: null, reason: 'the saved digest of link 0 is not the genesis hash' };
  const link = await store.read.journalLinkAt(against.seq);
  if (link === null || link.hash !== against.hash) {
    return { seq: against.seq, transactionId: link?.transactionId ?? null, reason: `link ${against.seq} differs from the saved digest` };
  }
  return null;
}

/**
 * Recomputes the journal's hash chain from its first link and names the first broken link:
 * a missing, reordered, forged or edited link, a transaction changed after it was sealed, a
 * transaction with no link, a head row that disagrees with the chain's end, and, given a digest
 * saved earlier, a truncated tail.
 */
export async function verifyJournal(store: Store, against?: JournalDigest): Promise<JournalReport> {
  const head = await store.read.readJournalHead();
  const { last, links, broken } = await walkChain(store);
  const report = (firstBroken: BrokenLink | null): JournalReport => ({ ok: firstBroken === null, links, head: last, firstBroken });
  if (broken !== null) return report(broken);
  if (head === null) return report({ seq: null, transactionId: null, reason: 'the journal head row is missing' });
  if (head.seq !== last.seq || head.hash !== last.hash) {
    return report({ seq: head.seq, transactionId: null, reason: `the head names link ${head.seq} but the chain ends at link ${last.seq}` });
  }
  const [unjournaled] = await store.read.unjournaledTransactions(head.transactionsBefore, 1);
  if (unjournaled !== undefined) {
    return report({ seq: null, transactionId: unjournaled.id, reason: `transaction ${unjournaled.id} has no journal link` });
  }
  const [reversed] = await store.read.reversedAmountDiscrepancies(1);
  if (reversed !== undefined) {
    return report({ seq: null, transactionId: reversed.id, reason: `transaction ${reversed.id} records ${reversed.stored} reversed but its reversals sum to ${reversed.reversals}` });
  }
  return report(against === undefined ? null : await checkDigest(store, last, against));
}
