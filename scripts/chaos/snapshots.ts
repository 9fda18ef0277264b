/**
 * Invariant snapshots during the run. Every half second, straight from PostgreSQL in one
 * statement: per currency the posted and the pending credits − debits of all balance-holding
 * wallets sum to zero, and no client wallet's available balance is below −creditLimit. Every
 * two seconds, the same through the API: `GET /v1/reports/trial-balance` on a live server.
 * A read that fails (the database or the server is down) is counted, not a violation.
 */
import type { Cluster } from './cluster.js';
import { call } from './http.js';
import { type Random, sleep } from './options.js';
import type { Fleet } from './servers.js';
import type { Violations } from './violations.js';

export interface SnapshotCounts {
  taken: number;
  failed: number;
  trialBalances: number;
  trialBalancesFailed: number;
}

/** One statement, so one consistent view: per-currency sums, and client wallets below −creditLimit. */
export const invariantQuery = `
  select 'sum' as what, currency_id::text as id, sum(credits_posted - debits_posted)::text as posted, sum(credits_pending - debits_pending)::text as pending
    from wallets where parent_wallet_id is null group by currency_id
  union all
  select 'overdrawn', id::text, (credits_posted - debits_posted - debits_pending)::text, credit_limit::text
    from wallets where category = 'client' and parent_wallet_id is null and credits_posted - debits_posted - debits_pending < -credit_limit`;

export interface InvariantRow {
  readonly what: string;
  readonly id: string;
  readonly posted: string;
  readonly pending: string;
}

export function checkInvariantRows(rows: readonly InvariantRow[], violations: Violations): void {
  for (const row of rows) {
    if (row.what === 'overdrawn')
      violations.add('overdrawn', `snapshot: client wallet ${row.id} has available ${row.posted}, below −creditLimit (${row.pending})`);
    else if (row.posted !== '0' || row.pending !== '0') violations.add('snapshot', `currency ${row.id} sums to posted ${row.posted}, pending ${row.pending}`);
  }
}

async function databaseSnapshot(cluster: Cluster, violations: Violations, counts: SnapshotCounts): Promise<void> {
  const client = await cluster.connect().catch(() => null);
  if (client === null) {
    counts.failed++;
    return;
  }
  try {
    const { rows } = await client.query<InvariantRow>(invariantQuery);
    counts.taken++;
    checkInvariantRows(rows, violations);
  } catch {
    counts.failed++;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Checks one trial balance answer: every currency balanced, posted and pending zero. */
export function checkTrialBalance(json: Record<string, unknown>, violations: Violations, when: string): void {
  const data = json.data as { currencyId: string; posted: string; pending: string; balanced: boolean }[] | undefined;
  if (!Array.isArray(data) || data.length === 0) {
    violations.add('trial_balance', `${when}: the trial balance has no currencies`);
    return;
  }
  for (const currency of data) {
    if (!currency.balanced || currency.posted !== '0' || currency.pending !== '0') {
      violations.add(
        'trial_balance',
        `${when}: currency ${currency.currencyId} posted ${currency.posted}, pending ${currency.pending}, balanced ${currency.balanced}`,
      );
    }
  }
}

async function trialBalanceSnapshot(fleet: Fleet, random: Random, violations: Violations, counts: SnapshotCounts): Promise<void> {
  const targets = fleet.live();
  const answer =
    targets.length === 0 ? null : await call(random.pick(targets), 'GET', '/v1/reports/trial-balance', undefined, undefined, 3000).catch(() => null);
  if (answer?.status !== 200) {
    counts.trialBalancesFailed++;
    return;
  }
  counts.trialBalances++;
  checkTrialBalance(answer.json, violations, 'trial balance during the run');
}

export async function runSnapshots(cluster: Cluster, fleet: Fleet, random: Random, deadline: number, violations: Violations): Promise<SnapshotCounts> {
  const counts: SnapshotCounts = { taken: 0, failed: 0, trialBalances: 0, trialBalancesFailed: 0 };
  for (let round = 0; Date.now() < deadline; round++) {
    await databaseSnapshot(cluster, violations, counts);
    if (round % 4 === 0) await trialBalanceSnapshot(fleet, random, violations, counts);
    await sleep(500);
  }
  return counts;
}
