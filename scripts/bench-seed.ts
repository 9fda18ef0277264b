/**
 * Seeding for `npm run bench`: wallets with their top-ups, and up to a million entries, written
 * in bulk but exactly as the posting path writes them (`writeDraft`): the transaction row, its
 * entries in posting order with their real `balance_after`, the wallets' counters, and one
 * hash-chain journal link per transaction, in chain order, sealed with the same `journalBody`
 * and `linkHash`, with `journal_head` moved along. `coffer verify` recomputes every body from
 * the stored rows, so it passes on a seeded ledger. Not written: the `transaction.posted`
 * events and audit records (nothing checks them against the ledger).
 */
import pg from 'pg';
import { readConfig } from '../src/config.js';
import type { Entry, TransactionKind, TransactionWithEntries } from '../src/domain/transaction.js';
import { createIsoCurrency } from '../src/services/currencies.js';
import { newId } from '../src/services/ids.js';
import { journalBody, linkHash } from '../src/services/journal.js';
import { openStore } from '../src/store/connect.js';
import type { Queryable } from '../src/store/database.js';

export const adminActor = { apiKeyId: 'bench', role: 'admin' as const, merchantId: null, scopes: ['read', 'write', 'issue'] as const };

/** One posted movement of `amount` (no fees, no metadata), as an admin request creates it. */
interface Movement {
  readonly kind: TransactionKind;
  readonly from: string;
  readonly to: string;
  readonly amount: bigint;
}

/**
 * The transaction `writeDraft` would return for `movement` at `now`: a debit entry then a credit
 * entry, each carrying its balance wallet's posted balance right after it. `balances` (posted
 * credits − debits per wallet) is read and advanced, so consecutive calls chain like real postings.
 */
function posted(currencyId: string, movement: Movement, balances: Map<string, bigint>, now: Date): TransactionWithEntries {
  const id = newId(now.getTime());
  const entry = (walletId: string, direction: 'debit' | 'credit'): Entry => {
    const after = (balances.get(walletId) ?? 0n) + (direction === 'credit' ? movement.amount : -movement.amount);
    balances.set(walletId, after);
    const kind = movement.kind;
    return {
      id: '',
      transactionId: id,
      kind,
      walletId,
      balanceWalletId: walletId,
      currencyId,
      direction,
      amount: movement.amount,
      pending: false,
      balanceAfter: after,
      createdAt: now,
    };
  };
  const entries = [entry(movement.from, 'debit'), entry(movement.to, 'credit')];
  return {
    id,
    kind: movement.kind,
    status: 'posted',
    merchantId: null,
    currencyId,
    amount: movement.amount,
    fromWalletId: movement.from,
    toWalletId: movement.to,
    description: null,
    reference: null,
    reason: null,
    metadata: {},
    fees: [],
    reversesId: null,
    reversedAmount: 0n,
    createdAt: now,
    postedAt: now,
    entries,
  };
}

/** The end of the hash chain: the last link's seq and hash. */
interface ChainEnd {
  readonly seq: bigint;
  readonly hash: string;
}

/** A chunk ready to write: its transactions and their links after `after`. */
interface Prepared {
  readonly transactions: readonly TransactionWithEntries[];
  readonly after: ChainEnd;
  readonly end: ChainEnd;
  readonly seqs: readonly string[];
  readonly previous: readonly string[];
  readonly hashes: readonly string[];
  /** The bodies joined by U+001E, which canonical JSON never contains raw (control characters are escaped). */
  readonly bodies: string;
}

const separator = '\u001e';

/**
 * Builds `count` transactions with `make` and seals them after `after`, yielding to the event
 * loop now and then so the previous chunk's statements keep flowing to the database meanwhile.
 */
async function prepare(count: number, make: (index: number) => TransactionWithEntries, after: ChainEnd): Promise<Prepared> {
  const transactions: TransactionWithEntries[] = [];
  const seqs: string[] = [];
  const previous: string[] = [];
  const hashes: string[] = [];
  const bodies: string[] = [];
  let { seq, hash } = after;
  for (let index = 0; index < count; index++) {
    if (index % 500 === 499) await new Promise((resolve) => setImmediate(resolve));
    const transaction = make(index);
    const body = journalBody(transaction);
    seq++;
    previous.push(hash);
    hash = linkHash(hash, body);
    transactions.push(transaction);
    seqs.push(seq.toString());
    hashes.push(hash);
    bodies.push(body);
  }
  return { transactions, after, end: { seq, hash }, seqs, previous, hashes, bodies: bodies.join(separator) };
}

/**
 * Writes a prepared chunk inside the caller's database transaction: rows, entries, counters,
 * then the links, after locking the chain head and checking it is still where the chunk was
 * sealed (nothing else may write while seeding).
 */
async function writeChunk(tx: Queryable, chunk: Prepared): Promise<void> {
  const head = (await tx.query<{ seq: string; hash: string }>('select seq::text as seq, hash from journal_head where id = 1 for update'))[0];
  if (head === undefined) throw new Error('journal_head row is missing: run the migrations');
  if (BigInt(head.seq) !== chunk.after.seq || head.hash !== chunk.after.hash) {
    throw new Error(`the journal head moved while seeding (at ${head.seq}, expected ${chunk.after.seq}): something else is writing`);
  }
  const { transactions } = chunk;
  await tx.query(
    `insert into transactions (id, kind, status, currency_id, amount, from_wallet_id, to_wallet_id, created_at, posted_at)
     select id, kind, 'posted', c, a, f, t, at, at
     from unnest($1::uuid[], $2::text[], $3::uuid[], $4::bigint[], $5::uuid[], $6::uuid[], $7::timestamptz[]) with ordinality as v(id, kind, c, a, f, t, at, n)
     order by n`,
    [
      transactions.map((t) => t.id),
      transactions.map((t) => t.kind),
      transactions.map((t) => t.currencyId),
      transactions.map((t) => t.amount.toString()),
      transactions.map((t) => t.fromWalletId),
      transactions.map((t) => t.toWalletId),
      transactions.map((t) => t.createdAt.toISOString()),
    ],
  );
  const entries = transactions.flatMap((t) => t.entries);
  await tx.query(
    `insert into entries (transaction_id, wallet_id, balance_wallet_id, currency_id, direction, amount, pending, balance_after, created_at)
     select t, w, w, c, d, a, false, ba, at
     from unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::text[], $5::bigint[], $6::numeric[], $7::timestamptz[]) with ordinality as v(t, w, c, d, a, ba, at, n)
     order by n`,
    [
      entries.map((e) => e.transactionId),
      entries.map((e) => e.walletId),
      entries.map((e) => e.currencyId),
      entries.map((e) => e.direction),
      entries.map((e) => e.amount.toString()),
      entries.map((e) => e.balanceAfter.toString()),
      entries.map((e) => e.createdAt.toISOString()),
    ],
  );
  const moved = new Map<string, { debits: bigint; credits: bigint }>();
  for (const e of entries) {
    const sums = moved.get(e.walletId) ?? { debits: 0n, credits: 0n };
    if (e.direction === 'debit') sums.debits += e.amount;
    else sums.credits += e.amount;
    moved.set(e.walletId, sums);
  }
  const last = transactions[transactions.length - 1]?.createdAt ?? new Date();
  await tx.query(
    `update wallets w set debits_posted = w.debits_posted + v.d, credits_posted = w.credits_posted + v.c, updated_at = $4
     from unnest($1::uuid[], $2::numeric[], $3::numeric[]) as v(id, d, c) where w.id = v.id`,
    [[...moved.keys()], [...moved.values()].map((s) => s.debits.toString()), [...moved.values()].map((s) => s.credits.toString()), last.toISOString()],
  );
  // The bodies travel as one string split in SQL: a 20 MB text[] literal is twice as slow to parse.
  await tx.query(
    `insert into journal (seq, transaction_id, previous_hash, hash, body)
     select s, t, p, h, b.body
     from unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[]) with ordinality as v(s, t, p, h, n)
     join string_to_table($5, chr(30)) with ordinality as b(body, n) using (n)`,
    [chunk.seqs, transactions.map((t) => t.id), chunk.previous, chunk.hashes, chunk.bodies],
  );
  await tx.query('update journal_head set seq = $1, hash = $2 where id = 1', [chunk.end.seq.toString(), chunk.end.hash]);
}

/**
 * Seeds `total` transactions made by `make(index)` in chunks, each in its own database
 * transaction (`inTransaction`), in chain order; chunk n + 1 is built and sealed while chunk n is written.
 */
async function seedChain(
  db: Queryable,
  inTransaction: (work: (tx: Queryable) => Promise<void>) => Promise<void>,
  total: number,
  chunk: number,
  make: (index: number) => TransactionWithEntries,
): Promise<void> {
  const head = (await db.query<{ seq: string; hash: string }>('select seq::text as seq, hash from journal_head where id = 1'))[0];
  if (head === undefined) throw new Error('journal_head row is missing: run the migrations');
  let end: ChainEnd = { seq: BigInt(head.seq), hash: head.hash };
  let writing: Promise<void> = Promise.resolve();
  for (let start = 0; start < total; start += chunk) {
    const prepared = await prepare(Math.min(chunk, total - start), (index) => make(start + index), end);
    await writing;
    writing = inTransaction((tx) => writeChunk(tx, prepared));
    writing.catch(() => undefined); // awaited on the next turn; this only keeps Node from calling it unhandled meanwhile
    end = prepared.end;
  }
  await writing;
}

export interface Seeded {
  readonly currencyId: string;
  readonly walletIds: readonly string[];
}

/**
 * Migrates, creates USD through the service (with its system accounts), then `wallets` client
 * wallets and one top-up of `balance` each from the issuing account, in chunks.
 */
export async function seedLedger(target: { databaseUrl: string } | { dataDir: string }, wallets: number, balance: bigint, chunk = 5_000): Promise<Seeded> {
  const store = await openStore(target);
  try {
    const context = { store, clock: () => new Date(), config: readConfig({}) };
    const usd = (await createIsoCurrency(context, adminActor, 'USD', {})).currency;
    const db = store.database;
    const issuing = await store.read.systemWalletIds(usd.id).then((ids) => ids.get('issuing') as string);
    await db.query(
      `insert into wallets (id, serial, currency_id, category, type, created_at, updated_at)
       select gen_random_uuid(), 'BENCH' || lpad(g::text, 10, '0'), $1, 'client', 'client', now(), now() from generate_series(1, $2::int) g`,
      [usd.id, wallets],
    );
    const walletIds = (await db.query<{ id: string }>(`select id from wallets where serial like 'BENCH%' order by serial`)).map((row) => row.id);
    const balances = await postedBalances(db, [issuing]);
    const now = new Date();
    const topup = (index: number) => posted(usd.id, { kind: 'topup', from: issuing, to: walletIds[index] as string, amount: balance }, balances, now);
    await seedChain(db, (work) => db.transaction(work), walletIds.length, chunk, topup);
    return { currencyId: usd.id, walletIds };
  } finally {
    await store.close();
  }
}

async function postedBalances(db: Queryable, ids: readonly string[]): Promise<Map<string, bigint>> {
  const rows = await db.query<{ id: string; balance: string }>(
    'select id, (credits_posted - debits_posted)::text as balance from wallets where id = any($1::uuid[])',
    [ids],
  );
  return new Map(rows.map((row) => [row.id, BigInt(row.balance)]));
}

/**
 * Adds `transactions` transfers of 1 minor unit between the seeded wallets (2 entries each),
 * chunked, with nothing else writing meanwhile. Foreign-key triggers are skipped when the role
 * may (a superuser's `session_replication_role`): the rows are valid by construction.
 */
export async function seedEntries(databaseUrl: string, currencyId: string, transactions: number, chunk = 20_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const db: Queryable = { query: async (sql, params) => (await client.query(sql, params as unknown[])).rows };
  try {
    await client.query('set session_replication_role = replica').catch(() => undefined);
    const ids = (await db.query<{ id: string }>(`select id from wallets where serial like 'BENCH%' order by serial`)).map((row) => row.id);
    const n = ids.length;
    const balances = await postedBalances(db, ids);
    let now = new Date();
    const transfer = (g: number) => {
      if (g % chunk === 0) now = new Date();
      const from = ids[g % n] as string;
      const to = ids[(g + 1 + ((g * 7919) % (n - 1))) % n] as string;
      return posted(currencyId, { kind: 'transfer', from, to, amount: 1n }, balances, now);
    };
    const inTransaction = async (work: (tx: Queryable) => Promise<void>) => {
      await client.query('begin');
      try {
        await work(db);
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      }
    };
    await seedChain(db, inTransaction, transactions, chunk, transfer);
    await client.query('analyze');
  } finally {
    await client.end();
  }
}
