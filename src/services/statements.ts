import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import type { StatementEntry, StatementRange } from '../domain/statement.js';
import type { ServiceContext } from './context.js';
import { decodeCursor, type Page, pageSize, sequencePattern, toPage } from './pagination.js';
import { visibleWallet } from './wallet-visibility.js';

export interface StatementQuery {
  readonly cursor?: string;
  readonly limit?: number;
  /** ISO 8601: a date (`2026-11-01`, midnight UTC) or a date-time with its offset; inclusive. */
  readonly from?: string;
  /** Likewise; exclusive. */
  readonly to?: string;
}

const datePattern = /^\d{4}-\d{2}-\d{2}$/;
const dateTimePattern = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?([Zz]|[+-]\d{2}:?\d{2})$/;

/** An ISO 8601 instant of a statement filter, or a 400 naming the field. */
function instantOf(value: string | undefined, field: 'from' | 'to'): Date | null {
  if (value === undefined) return null;
  const refuse = () =>
    new CofferError('validation_failed', `${field} is not an ISO 8601 date (2026-11-01) or date-time with offset (2026-11-01T09:30:00Z).`, [
      { field, message: 'not an ISO 8601 date or date-time' },
    ]);
  if (!datePattern.test(value) && !dateTimePattern.test(value)) throw refuse();
  const instant = new Date(datePattern.test(value) ? `${value}T00:00:00Z` : value);
  // `2026-02-30` parses to March: a date must name the day it spells.
  if (Number.isNaN(instant.getTime()) || (datePattern.test(value) && instant.toISOString().slice(0, 10) !== value)) throw refuse();
  return instant;
}

/** The statement's date range: `from` inclusive, `to` exclusive; `from` after `to` is refused. */
export function statementRange(query: Pick<StatementQuery, 'from' | 'to'>): StatementRange {
  const from = instantOf(query.from, 'from');
  const to = instantOf(query.to, 'to');
  if (from !== null && to !== null && from.getTime() > to.getTime()) {
    throw new CofferError('validation_failed', 'from is after to.', [{ field: 'from', message: 'after to' }]);
  }
  return { from, to };
}

/**
 * A wallet's statement: posted entries, newest first, each with the balance after it, its
 * transaction's description and reference and the counterparty wallet. A merchant sees the serial
 * of a counterparty wallet of its own only (the id is on the transaction already).
 */
export async function listStatement(ctx: ServiceContext, actor: Actor, walletId: string, query: StatementQuery): Promise<Page<StatementEntry>> {
  const range = statementRange(query);
  const wallet = await visibleWallet(ctx, actor, walletId);
  const size = pageSize(query.limit);
  const before = decodeCursor(query.cursor, sequencePattern);
  const rows = await ctx.store.read.listStatementEntries(
    walletId,
    wallet.parentWalletId !== null,
    before === undefined ? null : BigInt(before),
    size + 1,
    range,
  );
  const shown = rows.map((entry) =>
    actor.role === 'admin' || entry.counterpartyMerchantId === actor.merchantId ? entry : { ...entry, counterpartyWalletSerial: null },
  );
  return toPage(shown, size, (entry) => entry.id);
}

/** How many lines the statement has in its date range, whatever the cursor (`?include=total`). */
export async function countStatement(ctx: ServiceContext, actor: Actor, walletId: string, query: StatementQuery): Promise<number> {
  const range = statementRange(query);
  const wallet = await visibleWallet(ctx, actor, walletId);
  return ctx.store.read.countStatementEntries(walletId, wallet.parentWalletId !== null, range);
}
