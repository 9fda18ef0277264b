/**
 * The ledger against the clients' record. Every request that creates a transaction (top-up,
 * transfer, hold, exchange) sends its Idempotency-Key as the transaction's `reference`, so each
 * transaction is traced to the one request that made it: an acknowledged request's transaction
 * is present exactly once, with the acknowledged id and the requested wallets and amounts; a
 * refused request's is absent; no transaction exists that no request made. Quotes likewise,
 * and an exchange used its quote's rate, or a rate the admin set.
 */
import type { Json } from './http.js';
import type { Ledger, TransactionRow } from './ledger.js';
import type { Operation } from './record.js';
import type { Violations } from './violations.js';

const creating = new Set(['topup', 'transfer', 'hold', 'exchange']);

const feesOf = (body: Json): string => ((body.fees as { amount: string }[] | undefined) ?? []).map((fee) => fee.amount).join(',');

/** How a stored transaction differs from the request that made it, or null. */
function difference(operation: Operation, transaction: TransactionRow): string | null {
  const body = operation.body;
  const expected: [string, unknown, unknown][] = [
    ['kind', operation.kind, transaction.kind],
    ['amount', String(body.amount), transaction.amount.toString()],
    ['fees', feesOf(body), transaction.fees.join(',')],
  ];
  if (operation.kind === 'transfer' || operation.kind === 'exchange') {
    expected.push(['from', body.fromWalletId, transaction.fromWalletId], ['to', body.toWalletId, transaction.toWalletId]);
  }
  if (operation.kind === 'exchange') expected.push(['quote', body.quoteId ?? null, transaction.quoteId]);
  if (operation.kind === 'hold') {
    expected.push(['wallet', body.walletId, transaction.fromWalletId]);
    if (body.toWalletId !== undefined) expected.push(['target', body.toWalletId, transaction.toWalletId]);
  }
  if (operation.kind === 'topup') expected.push(['wallet', body.walletId, transaction.toWalletId]);
  const wrong = expected.filter(([, want, got]) => want !== got);
  return wrong.length === 0 ? null : wrong.map(([name, want, got]) => `${name} ${String(got)} instead of ${String(want)}`).join(', ');
}

export function checkTransactions(operations: readonly Operation[], ledger: Ledger, violations: Violations): void {
  const byReference = new Map<string, TransactionRow[]>();
  for (const transaction of ledger.transactions) {
    const list = byReference.get(transaction.reference ?? '');
    if (list === undefined) byReference.set(transaction.reference ?? '', [transaction]);
    else list.push(transaction);
  }
  const keys = new Set<string>();
  const acknowledgedIds = new Set<string>();
  for (const operation of operations) {
    if (!creating.has(operation.kind)) continue;
    keys.add(operation.key);
    const found = byReference.get(operation.key) ?? [];
    if (operation.outcome === 'refused' && found.length > 0) {
      violations.add(
        'refused_present',
        `${operation.kind} ${operation.key} was refused (${operation.refusal}) but transaction ${found[0]?.id} carries its key`,
      );
    }
    if (operation.outcome !== 'ok') continue;
    const id = operation.acknowledgement?.id ?? '';
    if (acknowledgedIds.has(id)) violations.add('duplicate', `transaction ${id} was acknowledged to two requests`);
    acknowledgedIds.add(id);
    if (found.length === 0) violations.add('missing', `acknowledged ${operation.kind} ${operation.key} (transaction ${id}) is not in the ledger`);
    if (found.length > 1)
      violations.add('duplicate', `${operation.kind} ${operation.key} made ${found.length} transactions: ${found.map((row) => row.id).join(', ')}`);
    const transaction = found[0];
    if (transaction === undefined) continue;
    if (transaction.id !== id) violations.add('differs', `${operation.key} was acknowledged as ${id} but made ${transaction.id}`);
    const wrong = difference(operation, transaction);
    if (wrong !== null) violations.add('differs', `transaction ${transaction.id} differs from request ${operation.key}: ${wrong}`);
  }
  for (const transaction of ledger.transactions) {
    if (!keys.has(transaction.reference ?? ''))
      violations.add('phantom', `transaction ${transaction.id} (${transaction.kind}) was made by no request (reference ${transaction.reference})`);
  }
}

export function checkQuotes(operations: readonly Operation[], ledger: Ledger, violations: Violations): void {
  const quotes = new Map(ledger.quotes.map((quote) => [quote.id, quote]));
  const acknowledged = new Set<string>();
  for (const operation of operations) {
    if (operation.kind !== 'quote' || operation.outcome !== 'ok') continue;
    const id = operation.acknowledgement?.id ?? '';
    acknowledged.add(id);
    const quote = quotes.get(id);
    if (quote === undefined) violations.add('missing', `acknowledged quote ${id} (${operation.key}) is not stored`);
    else if (quote.amount.toString() !== String(operation.body.amount))
      violations.add('differs', `quote ${id} is for ${quote.amount}, asked ${String(operation.body.amount)}`);
  }
  for (const quote of ledger.quotes) if (!acknowledged.has(quote.id)) violations.add('phantom', `quote ${quote.id} was made by no acknowledged request`);
  const usedBy = new Map<string, string>();
  for (const transaction of ledger.transactions) {
    if (transaction.kind !== 'exchange') continue;
    if (transaction.quoteId === null) {
      if (!ledger.ratesSet.has(`${transaction.currencyId}>${transaction.targetCurrencyId}=${transaction.exchangeRate}`)) {
        violations.add('exchange', `exchange ${transaction.id} used rate ${transaction.exchangeRate}, which the admin never set for its pair`);
      }
      continue;
    }
    const quote = quotes.get(transaction.quoteId);
    if (usedBy.has(transaction.quoteId))
      violations.add('exchange', `quote ${transaction.quoteId} was used by ${usedBy.get(transaction.quoteId)} and ${transaction.id}`);
    usedBy.set(transaction.quoteId, transaction.id);
    if (
      quote === undefined ||
      quote.rate !== transaction.exchangeRate ||
      quote.targetAmount !== transaction.targetAmount ||
      quote.transactionId !== transaction.id
    ) {
      violations.add('exchange', `exchange ${transaction.id} does not match its quote ${transaction.quoteId} (rate, target amount or link)`);
    }
  }
}
