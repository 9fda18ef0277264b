/**
 * Seeding for `npm run bench`: wallets with their top-ups, and up to a million entries, written
 * through the posting pipeline itself (services/set-posting.ts), a chunk of movements per
 * database transaction as one atomic batch: the transaction rows, their entries with their real
 * `balance_after`, the wallets' counters, events, audit records and one hash-chain journal link
 * per transaction, exactly as requests write them. `coffer verify` passes on a seeded ledger.
 */
import { readConfig } from '../src/config.js';
import type { Actor } from '../src/domain/api-key.js';
import { createIsoCurrency } from '../src/services/currencies.js';
import { batchUnit, postUnits } from '../src/services/set-posting.js';
import { type MovementRequest, planMovement } from '../src/services/transactions.js';
import { openStore } from '../src/store/connect.js';
import type { Store } from '../src/store/store.js';
import { createContext } from '../src/services/runtime.js';

export const adminActor: Actor = { apiKeyId: 'bench', role: 'admin', merchantId: null, scopes: ['read', 'write', 'issue'] };

/**
 * Posts `total` movements made by `movement(index)` through the pipeline, `chunk` per database
 * transaction (one atomic batch each, so a refused movement stops the seeding with its reason).
 */
async function postChunked(store: Store, total: number, chunk: number, movement: (index: number) => MovementRequest): Promise<void> {
  for (let start = 0; start < total; start += chunk) {
    const now = new Date();
    const plans = Array.from({ length: Math.min(chunk, total - start) }, (_, offset) => {
      const request = movement(start + offset);
      return (tx: Parameters<typeof planMovement>[0]) => planMovement(tx, adminActor, request, now);
    });
    const unit = batchUnit(adminActor, plans, [], true, now, (results) => ({ statusCode: 201, body: results.length }));
    const [outcome] = await store.transaction((tx) => postUnits(tx, [{ ...unit, idempotency: null }]));
    if (outcome === undefined || !outcome.ok) throw new Error(`seeding failed at movement ${start}: ${String(outcome?.error)}`);
  }
}

export interface Seeded {
  readonly currencyId: string;
  readonly walletIds: readonly string[];
}

/**
 * Migrates, creates USD through the service (with its system accounts), then `wallets` client
 * wallets and one top-up of `balance` each from the issuing account, in chunks.
 */
export async function seedLedger(target: { databaseUrl: string } | { dataDir: string }, wallets: number, balance: bigint, chunk = 2_000): Promise<Seeded> {
  const store = await openStore(target);
  try {
    const context = createContext(store, readConfig({}));
    const usd = (await createIsoCurrency(context, adminActor, 'USD', {})).currency;
    const db = store.database;
    await db.query(
      `insert into wallets (id, serial, currency_id, category, type, created_at, updated_at)
       select gen_random_uuid(), 'BENCH' || lpad(g::text, 10, '0'), $1, 'client', 'client', now(), now() from generate_series(1, $2::int) g`,
      [usd.id, wallets],
    );
    const walletIds = (await db.query<{ id: string }>(`select id from wallets where serial like 'BENCH%' order by serial`)).map((row) => row.id);
    await postChunked(store, walletIds.length, chunk, (index) => ({ kind: 'topup', walletId: walletIds[index] as string, amount: balance }));
    return { currencyId: usd.id, walletIds };
  } finally {
    await store.close();
  }
}

/** Adds `transactions` transfers of 1 minor unit between the seeded wallets (2 entries each), chunked, with nothing else writing meanwhile. */
export async function seedEntries(databaseUrl: string, _currencyId: string, transactions: number, chunk = 5_000): Promise<void> {
  const store = await openStore({ databaseUrl });
  try {
    const ids = (await store.database.query<{ id: string }>(`select id from wallets where serial like 'BENCH%' order by serial`)).map((row) => row.id);
    const n = ids.length;
    await postChunked(store, transactions, chunk, (g) => ({
      kind: 'transfer',
      fromWalletId: ids[g % n] as string,
      toWalletId: ids[(g + 1 + ((g * 7919) % (n - 1))) % n] as string,
      amount: 1n,
    }));
    await store.database.query('analyze');
  } finally {
    await store.close();
  }
}
