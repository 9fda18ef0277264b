/**
 * The checks after the final read, when no fault is injected any more: the ledger read back
 * from PostgreSQL is replayed through the domain model and compared with the clients' record;
 * the API's balances are compared with the record's model; `GET /v1/reports/verify` (what
 * `coffer verify` runs) and the trial balance must be clean; one journal link per posting.
 */
import { checkBalances, modelBalances, type ShownBalance } from './check-balances.js';
import { checkHolds } from './check-holds.js';
import { checkQuotes, checkTransactions } from './check-record.js';
import type { Cluster } from './cluster.js';
import { steady } from './http.js';
import { type Ledger, readLedger } from './ledger.js';
import type { ClientRecord } from './record.js';
import { replayLedger, type ReplayCounts } from './replay.js';
import type { Server } from './servers.js';
import type { World } from './setup.js';
import { checkTrialBalance } from './snapshots.js';
import type { Violations } from './violations.js';

export interface CheckCounts extends ReplayCounts {
  readonly transactions: number;
  readonly entries: number;
  readonly holdsByStatus: Readonly<Record<string, number>>;
  readonly journalHead: string;
}

/** Every check that needs only the ledger and the record: pure, so each can be shown to fail. */
export function checkLedger(ledger: Ledger, record: Pick<ClientRecord, 'operations' | 'keyReuses'>, violations: Violations): ReplayCounts {
  const counts = replayLedger(ledger, violations);
  checkTransactions(record.operations, ledger, violations);
  checkHolds(record.operations, ledger, violations);
  checkQuotes(record.operations, ledger, violations);
  // One link per posting: a hold's creation and its resolution are each a link.
  if (ledger.journalLinks !== counts.postings) violations.add('journal', `${ledger.journalLinks} journal links for ${counts.postings} postings`);
  for (const key of record.keyReuses) violations.add('key_reused', `request ${key} was answered idempotency_key_reused for its own body`);
  return counts;
}

async function readBalances(servers: readonly Server[], world: World): Promise<Map<string, ShownBalance>> {
  const shown = new Map<string, ShownBalance>();
  for (const wallet of world.wallets) {
    const answer = await steady(servers, 'GET', `/v1/wallets/${wallet.id}`);
    if (answer.status === 200) shown.set(wallet.id, answer.json.balance as ShownBalance);
  }
  return shown;
}

export async function runChecks(
  cluster: Cluster,
  servers: readonly Server[],
  world: World,
  record: ClientRecord,
  violations: Violations,
): Promise<CheckCounts> {
  const client = await cluster.connect();
  let ledger: Ledger;
  try {
    ledger = await readLedger(async (sql) => (await client.query(sql)).rows as Record<string, unknown>[]);
  } finally {
    await client.end().catch(() => undefined);
  }
  const counts = checkLedger(ledger, record, violations);
  const model = modelBalances(
    world.wallets.map((wallet) => wallet.id),
    record.operations,
    ledger,
  );
  checkBalances(await readBalances(servers, world), model, violations);

  const verify = await steady(servers, 'GET', '/v1/reports/verify');
  if (verify.status !== 200 || verify.json.ok !== true)
    violations.add('verify', `GET /v1/reports/verify: ${verify.status} ${String(verify.json.firstDiscrepancy)}`);
  const trialBalance = await steady(servers, 'GET', '/v1/reports/trial-balance');
  if (trialBalance.status !== 200) violations.add('trial_balance', `GET /v1/reports/trial-balance answered ${trialBalance.status}`);
  else checkTrialBalance(trialBalance.json, violations, 'final trial balance');

  const holdsByStatus: Record<string, number> = {};
  for (const transaction of ledger.transactions)
    if (transaction.kind === 'hold') holdsByStatus[transaction.status] = (holdsByStatus[transaction.status] ?? 0) + 1;
  const journal = verify.json.journal as { head?: string } | undefined;
  return { ...counts, transactions: ledger.transactions.length, entries: ledger.entries.length, holdsByStatus, journalHead: journal?.head ?? '-' };
}
