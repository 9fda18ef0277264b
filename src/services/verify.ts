import type { ReportRow } from '../domain/store-port.js';
import type { Store } from '../store/store.js';
import { type JournalDigest, type JournalReport, verifyJournal } from './journal-verify.js';

export interface VerifyReport {
  readonly ok: boolean;
  readonly walletsChecked: number;
  /** The first discrepancy found, described for a person, or null. */
  readonly firstDiscrepancy: string | null;
  readonly counterDiscrepancies: readonly ReportRow[];
  readonly unbalancedTransactions: readonly ReportRow[];
  readonly unbalancedCurrencies: readonly ReportRow[];
  readonly overdrawnWallets: readonly ReportRow[];
  /** The hash chain of the journal: its head and its first broken link. */
  readonly journal: JournalReport;
}

/**
 * Recomputes every wallet's counters from its entries, checks that every transaction balances
 * per currency, that every currency sums to zero and that no client wallet is overdrawn, and
 * recomputes the journal's hash chain (against a digest saved earlier, when given). A broken
 * link is reported first: it names where the tampering is.
 */
export async function verifyLedger(store: Store, against?: JournalDigest): Promise<VerifyReport> {
  const read = store.read;
  const [counterDiscrepancies, unbalancedTransactions, totals, overdrawnWallets, count] = await Promise.all([
    read.counterDiscrepancies(10),
    read.unbalancedTransactions(10),
    read.currencyTotals(),
    read.overdrawnWallets(10),
    store.database.query<{ n: number }>('select count(*)::int as n from wallets'),
  ]);
  const journal = await verifyJournal(store, against);
  const broken = journal.firstBroken;
  const unbalancedCurrencies = totals.filter((row) => String(row.posted) !== '0' || String(row.pending) !== '0');
  const journalProblem =
    broken === null
      ? null
      : `journal ${broken.seq !== null ? `link ${broken.seq}` : 'check'}${broken.transactionId !== null ? ` (transaction ${broken.transactionId})` : ''}: ${broken.reason}`;
  const balanceProblem =
    counterDiscrepancies[0] !== undefined
      ? `wallet ${String(counterDiscrepancies[0].id)}: stored counters differ from its entries ${JSON.stringify(counterDiscrepancies[0])}`
      : unbalancedTransactions[0] !== undefined
        ? `transaction ${String(unbalancedTransactions[0].transaction_id)} does not balance in currency ${String(unbalancedTransactions[0].currency_id)}`
        : unbalancedCurrencies[0] !== undefined
          ? `currency ${String(unbalancedCurrencies[0].currency_id)} sums to posted ${String(unbalancedCurrencies[0].posted)}, pending ${String(unbalancedCurrencies[0].pending)}`
          : overdrawnWallets[0] !== undefined
            ? `wallet ${String(overdrawnWallets[0].id)} is below its credit limit`
            : null;
  const first = journalProblem ?? balanceProblem;
  return {
    ok: first === null,
    walletsChecked: Number(count[0]?.n ?? 0),
    firstDiscrepancy: first,
    counterDiscrepancies,
    unbalancedTransactions,
    unbalancedCurrencies,
    overdrawnWallets,
    journal,
  };
}
