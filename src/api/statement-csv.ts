import type { Currency } from '../domain/currency.js';
import { formatDecimal } from '../domain/money.js';
import type { StatementEntry } from '../domain/statement.js';

/** The columns of a CSV statement, in order (docs/statements in docs/balances.md). */
export const statementCsvColumns = [
  'createdAt',
  'entryId',
  'transactionId',
  'kind',
  'direction',
  'amount',
  'amountDecimal',
  'balanceAfter',
  'balanceAfterDecimal',
  'currencyCode',
  'description',
  'reference',
  'counterpartyWalletId',
  'counterpartyWalletSerial',
] as const;

const numberPattern = /^-?\d+(\.\d+)?$/;

/**
 * One CSV cell (RFC 4180): quoted when it holds a comma, a quote or a line break, quotes doubled.
 * A cell a spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return)
 * is neutralised with a leading apostrophe (OWASP "CSV injection"), unless it is one of the
 * numbers Coffer itself writes (`-500`, `-5.00`): text the client sent never runs.
 */
export function csvCell(value: string | null): string {
  if (value === null) return '';
  const safe = /^[=+\-@\t\r]/.test(value) && !numberPattern.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

function csvLine(cells: readonly (string | null)[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

/** A statement page as CSV: a header row, then one row per entry, CRLF line ends. */
export function statementCsv(entries: readonly StatementEntry[], currencyOf: (currencyId: string) => Currency | undefined): string {
  const rows = entries.map((entry) => {
    const currency = currencyOf(entry.currencyId);
    const decimal = (amount: bigint) => (currency === undefined ? null : formatDecimal(amount, currency.fraction));
    return csvLine([
      entry.createdAt.toISOString(),
      entry.id,
      entry.transactionId,
      entry.kind,
      entry.direction,
      entry.amount.toString(),
      decimal(entry.amount),
      entry.balanceAfter.toString(),
      decimal(entry.balanceAfter),
      currency?.code ?? null,
      entry.description,
      entry.reference,
      entry.counterpartyWalletId,
      entry.counterpartyWalletSerial,
    ]);
  });
  return csvLine(statementCsvColumns) + rows.join('');
}
