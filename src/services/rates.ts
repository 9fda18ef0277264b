import type { Actor } from '../domain/api-key.js';
import { CofferError } from '../domain/errors.js';
import { type CurrencyRate, formatRate, parseRate } from '../domain/rate.js';
import type { ReadStore } from '../domain/store-port.js';
import { notFound, requireAdmin } from './access.js';
import { recordAudit } from './audit.js';
import type { ServiceContext } from './context.js';
import { decodeCursor, type Page, pageSize, sequencePattern, toPage, uuidPattern } from './pagination.js';

/** Both currencies of a pair must exist and differ; a rate is never set, or read, for one currency against itself. */
async function checkPair(tx: ReadStore, baseCurrencyId: string, quoteCurrencyId: string): Promise<void> {
  if (baseCurrencyId === quoteCurrencyId) {
    throw new CofferError('same_currency', `A rate needs two different currencies; both sides are ${baseCurrencyId}.`);
  }
  for (const id of [baseCurrencyId, quoteCurrencyId]) {
    if ((await tx.getCurrency(id)) === null) throw notFound('currency', id);
  }
}

/** Sets the rate of an ordered pair (admin): 1 unit of base = rate units of quote. History keeps every value. */
export async function setRate(ctx: ServiceContext, actor: Actor, baseCurrencyId: string, quoteCurrencyId: string, rateText: string): Promise<CurrencyRate> {
  requireAdmin(actor);
  const rate = parseRate(rateText);
  return ctx.store.transaction(async (tx) => {
    await checkPair(tx, baseCurrencyId, quoteCurrencyId);
    const current: CurrencyRate = { baseCurrencyId, quoteCurrencyId, rate, setBy: actor.apiKeyId, setAt: ctx.clock() };
    const previous = await tx.getRate(baseCurrencyId, quoteCurrencyId);
    await tx.setRate(current);
    const change = { before: previous === null ? null : formatRate(previous.rate), after: formatRate(rate) };
    await recordAudit(
      tx,
      actor,
      { action: 'rate.set', subjectType: 'rate', subjectId: `${baseCurrencyId}/${quoteCurrencyId}`, merchantId: null, changes: { rate: change } },
      current.setAt,
    );
    return current;
  });
}

/** The current rate of a pair inside a database transaction, or `rate_not_found`: rates are never inverted or guessed. */
export async function currentRate(tx: ReadStore, baseCurrencyId: string, quoteCurrencyId: string): Promise<CurrencyRate> {
  if (baseCurrencyId === quoteCurrencyId) throw new CofferError('same_currency', 'Both sides name the same currency.');
  const rate = await tx.getRate(baseCurrencyId, quoteCurrencyId);
  if (rate === null) {
    throw new CofferError(
      'rate_not_found',
      `No rate is set from currency ${baseCurrencyId} to ${quoteCurrencyId}; an admin sets one with PUT /v1/rates/{base}/{quote}.`,
    );
  }
  return rate;
}

export async function getRate(ctx: ServiceContext, baseCurrencyId: string, quoteCurrencyId: string): Promise<CurrencyRate> {
  await checkPair(ctx.store.read, baseCurrencyId, quoteCurrencyId);
  return currentRate(ctx.store.read, baseCurrencyId, quoteCurrencyId);
}

export interface RateListQuery {
  readonly baseCurrencyId?: string;
  readonly quoteCurrencyId?: string;
  readonly cursor?: string;
  readonly limit?: number;
}

const pairPattern = new RegExp(`^${uuidPattern.source.slice(1, -1)}/${uuidPattern.source.slice(1, -1)}$`);

/** The current rate of every pair, ordered by pair, filtered by either side. */
export async function listRates(ctx: ServiceContext, query: RateListQuery): Promise<Page<CurrencyRate>> {
  const limit = pageSize(query.limit);
  const after = decodeCursor(query.cursor, pairPattern)?.split('/');
  const rows = await ctx.store.read.listRates({
    ...(query.baseCurrencyId !== undefined ? { baseCurrencyId: query.baseCurrencyId } : {}),
    ...(query.quoteCurrencyId !== undefined ? { quoteCurrencyId: query.quoteCurrencyId } : {}),
    ...(after !== undefined ? { after: { baseCurrencyId: after[0] as string, quoteCurrencyId: after[1] as string } } : {}),
    limit: limit + 1,
  });
  return toPage(rows, limit, (rate) => `${rate.baseCurrencyId}/${rate.quoteCurrencyId}`);
}

/** Every rate a pair has had, newest first. */
export async function rateHistory(
  ctx: ServiceContext,
  baseCurrencyId: string,
  quoteCurrencyId: string,
  cursor?: string,
  limit?: number,
): Promise<Page<CurrencyRate>> {
  await checkPair(ctx.store.read, baseCurrencyId, quoteCurrencyId);
  const size = pageSize(limit);
  const before = decodeCursor(cursor, sequencePattern);
  const rows = await ctx.store.read.listRateHistory(baseCurrencyId, quoteCurrencyId, before === undefined ? null : BigInt(before), size + 1);
  return toPage(rows, size, (row) => row.seq.toString());
}
