import { assert } from '../domain/assert.js';
import type { TransactionWithEntries } from '../domain/transaction.js';
import type { JournalHead, JournalLink } from '../domain/journal.js';
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

/**
 * Links read per page while walking the chain: memory stays bounded on any ledger size, and a
 * page costs three statements (its links, the transactions of its latest links, their entries)
 * whatever its size.
 */
export const journalPageSize = 1000;

/** Parses `SEQ:HASH` as printed by `coffer verify --digest`; null when malformed. */
export function parseDigest(value: string): JournalDigest | null {
  const match = /^(\d{1,19}):([0-9a-f]{64})$/.exec(value.trim());
  return match === null ? null : { seq: BigInt(match[1] as string), hash: match[2] as string };
}

export function formatDigest(digest: JournalDigest): string {
  return `${digest.seq}:${digest.hash}`;
}

type PageLink = JournalLink & { readonly latest: boolean };

/** A page of links and, for each link that is its transaction's latest, that transaction as stored now. */
interface Page {
  readonly links: readonly PageLink[];
  readonly transactions: ReadonlyMap<string, TransactionWithEntries>;
  /** On the walk's last page: the head the walk started from (or, with none, the head row as of this snapshot; null if missing). */
  readonly head?: JournalHead | null;
}

/**
 * Reads the links after `afterSeq` up to the head the walk started from (`start`), and the
 * transactions their latest links must match, in one read-only snapshot. A write that commits
 * meanwhile (a hold captured and its new link appended, a transfer and its link) is seen either
 * wholly or not at all, so a live ledger verifies without false alarms; links written after the
 * walk started are left for the next walk, so a walk ends however fast the ledger grows. The page
 * that reaches `start` (or finds the chain shorter) is the last: it carries the head.
 */
async function readPage(store: Store, afterSeq: bigint, linksMax: number, start: JournalHead | null): Promise<Page> {
  const limit = start === null ? linksMax : Math.min(linksMax, Number(start.seq - afterSeq));
  if (limit <= 0) return { links: [], transactions: new Map(), head: start };
  return store.transaction(async (tx) => {
    await tx.readOnlySnapshot();
    const links = await tx.journalPage(afterSeq, limit);
    const transactions = await tx.transactionsWithEntries(links.filter((link) => link.latest).map((link) => link.transactionId));
    return links.length < limit || (start !== null && (links[links.length - 1]?.seq ?? 0n) >= start.seq)
      ? { links, transactions, head: start ?? (await tx.readJournalHead()) }
      : { links, transactions };
  });
}

/** Checks one link against its predecessor and, for the last link of a transaction, against the transaction as stored now. */
function checkLink(link: PageLink, previous: JournalDigest, transactions: Page['transactions']): BrokenLink | null {
  const at = { seq: link.seq, transactionId: link.transactionId };
  if (link.seq !== previous.seq + 1n) {
    const missing = previous.seq + 1n;
    return { seq: missing, transactionId: null, reason: `link ${missing} is missing: the chain jumps from link ${previous.seq} to link ${link.seq}` };
  }
  if (link.previousHash !== previous.hash) return { ...at, reason: `its previous hash does not match the hash of link ${previous.seq}` };
  if (linkHash(link.previousHash, link.body) !== link.hash) return { ...at, reason: 'its hash does not match its previous hash and body' };
  if (!link.latest) return null;
  const transaction = transactions.get(link.transactionId);
  if (transaction === undefined) return { ...at, reason: `transaction ${link.transactionId} is missing` };
  if (journalBody(transaction) !== link.body) {
    return { ...at, reason: `transaction ${link.transactionId} or its entries differ from what the link sealed` };
  }
  return null;
}

/** Where the walk stopped: at the first broken link, or at the chain's end with the head row read there. */
type Walk =
  | { readonly last: JournalDigest; readonly links: number; readonly broken: BrokenLink }
  | { readonly last: JournalDigest; readonly links: number; readonly broken: null; readonly head: JournalHead | null };

/**
 * Walks the chain from the first link, a page at a time. The next page is read while this one
 * is checked (the database works while the hashes are computed), so at most two pages are held.
 */
async function walkChain(store: Store, linksMax: number): Promise<Walk> {
  let last: JournalDigest = { seq: 0n, hash: genesisHash };
  let links = 0;
  // The chain as of now: every link up to this head has committed (the head moves with its links).
  const start = await store.read.readJournalHead();
  let next = readPage(store, 0n, linksMax, start);
  for (;;) {
    const page = await next;
    const lastRead = page.links[page.links.length - 1];
    if (page.head === undefined && lastRead !== undefined) next = readPage(store, lastRead.seq, linksMax, start);
    for (const link of page.links) {
      const broken = checkLink(link, last, page.transactions);
      if (broken !== null) {
        // The page read ahead is not needed; let it finish so no query outlives the walk.
        if (page.head === undefined) await next.catch(() => undefined);
        return { last, links, broken };
      }
      last = { seq: link.seq, hash: link.hash };
      links++;
    }
    if (page.head !== undefined) return { last, links, broken: null, head: page.head };
  }
}

/** Compares the chain's end with a digest saved earlier: a shorter chain or another hash at that link is tampering. */
async function checkDigest(store: Store, last: JournalDigest, against: JournalDigest): Promise<BrokenLink | null> {
  if (against.seq > last.seq) {
    return {
      seq: against.seq,
      transactionId: null,
      reason: `the journal ends at link ${last.seq} but the saved digest names link ${against.seq}: its tail was truncated`,
    };
  }
  if (against.seq === 0n)
    return against.hash === genesisHash ? null : { seq: 0n, transactionId: null, reason: 'the saved digest of link 0 is not the genesis hash' };
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
 * saved earlier, a truncated tail. `linksPerPage` is for tests that need a chain of several pages.
 */
export async function verifyJournal(store: Store, against?: JournalDigest, linksPerPage = journalPageSize): Promise<JournalReport> {
  assert(Number.isInteger(linksPerPage) && linksPerPage >= 1 && linksPerPage <= journalPageSize, 'a journal page holds 1 to journalPageSize links');
  const walk = await walkChain(store, linksPerPage);
  const { last, links } = walk;
  const report = (firstBroken: BrokenLink | null): JournalReport => ({ ok: firstBroken === null, links, head: last, firstBroken });
  if (walk.broken !== null) return report(walk.broken);
  const { head } = walk;
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
    return report({
      seq: null,
      transactionId: reversed.id,
      reason: `transaction ${reversed.id} records ${reversed.stored} reversed but its reversals sum to ${reversed.reversals}`,
    });
  }
  return report(against === undefined ? null : await checkDigest(store, last, against));
}
