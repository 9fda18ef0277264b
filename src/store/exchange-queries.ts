import type { ExchangeDetails, Quote } from '../domain/exchange.js';
import { formatRate, parseRate, type CurrencyRate, type RateFilter } from '../domain/rate.js';
import type { Queryable, Row } from './database.js';
import { big, date, dateOrNull, text, textOrNull } from './rows.js';

function toCurrencyRate(row: Row): CurrencyRate {
  return {
    baseCurrencyId: text(row.base_currency_id),
    quoteCurrencyId: text(row.quote_currency_id),
    rate: parseRate(text(row.rate)),
    setBy: textOrNull(row.set_by),
    setAt: date(row.set_at),
  };
}

export function toQuote(row: Row): Quote {
  return {
    id: text(row.id),
    merchantId: textOrNull(row.merchant_id),
    fromCurrencyId: text(row.from_currency_id),
    toCurrencyId: text(row.to_currency_id),
    rate: parseRate(text(row.rate)),
    rateSetAt: date(row.rate_set_at),
    amount: big(row.amount),
    targetAmount: big(row.target_amount),
    createdBy: textOrNull(row.created_by),
    createdAt: date(row.created_at),
    expiresAt: date(row.expires_at),
    usedAt: dateOrNull(row.used_at),
    transactionId: textOrNull(row.transaction_id),
  };
}

/** The exchange columns of a transactions row, or null for every other kind. */
export function exchangeDetailsOf(row: Row): ExchangeDetails | null {
  if (row.exchange_rate === null || row.exchange_rate === undefined) return null;
  return {
    rate: parseRate(text(row.exchange_rate)),
    quoteId: textOrNull(row.quote_id),
    targetCurrencyId: text(row.target_currency_id),
    targetAmount: big(row.target_amount),
  };
}

export function exchangeQueries(db: Queryable) {
  return {
    /** Sets the current rate of a pair and appends it to the history, current row first so history order follows commit order. */
    async setRate(rate: CurrencyRate): Promise<void> {
      const params = [rate.baseCurrencyId, rate.quoteCurrencyId, formatRate(rate.rate), rate.setBy, rate.setAt];
      await db.query(
        `insert into rates (base_currency_id, quote_currency_id, rate, set_by, set_at) values ($1, $2, $3, $4, $5)
         on conflict (base_currency_id, quote_currency_id) do update set rate = excluded.rate, set_by = excluded.set_by, set_at = excluded.set_at`,
        params,
      );
      await db.query('insert into rate_history (base_currency_id, quote_currency_id, rate, set_by, set_at) values ($1, $2, $3, $4, $5)', params);
    },

    async getRate(baseCurrencyId: string, quoteCurrencyId: string): Promise<CurrencyRate | null> {
      const rows = await db.query('select * from rates where base_currency_id = $1 and quote_currency_id = $2', [baseCurrencyId, quoteCurrencyId]);
      return rows[0] === undefined ? null : toCurrencyRate(rows[0]);
    },

    async listRates(filter: RateFilter): Promise<CurrencyRate[]> {
      const rows = await db.query(
        `select * from rates
         where ($1::uuid is null or base_currency_id = $1) and ($2::uuid is null or quote_currency_id = $2)
           and ($3::uuid is null or (base_currency_id, quote_currency_id) > ($3::uuid, $4::uuid))
         order by base_currency_id, quote_currency_id limit $5`,
        [
          filter.baseCurrencyId ?? null,
          filter.quoteCurrencyId ?? null,
          filter.after?.baseCurrencyId ?? null,
          filter.after?.quoteCurrencyId ?? null,
          filter.limit,
        ],
      );
      return rows.map(toCurrencyRate);
    },

    /** The rates a pair has had, newest first. */
    async listRateHistory(
      baseCurrencyId: string,
      quoteCurrencyId: string,
      beforeId: bigint | null,
      limit: number,
    ): Promise<(CurrencyRate & { readonly seq: bigint })[]> {
      const rows = await db.query(
        `select * from rate_history where base_currency_id = $1 and quote_currency_id = $2 and ($3::bigint is null or id < $3)
         order by id desc limit $4`,
        [baseCurrencyId, quoteCurrencyId, beforeId?.toString() ?? null, limit],
      );
      return rows.map((row) => ({ ...toCurrencyRate(row), seq: big(row.id) }));
    },

    async insertQuote(quote: Quote): Promise<void> {
      await db.query(
        `insert into quotes (id, merchant_id, from_currency_id, to_currency_id, rate, rate_set_at, amount, target_amount, created_by, created_at, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          quote.id,
          quote.merchantId,
          quote.fromCurrencyId,
          quote.toCurrencyId,
          formatRate(quote.rate),
          quote.rateSetAt,
          quote.amount.toString(),
          quote.targetAmount.toString(),
          quote.createdBy,
          quote.createdAt,
          quote.expiresAt,
        ],
      );
    },

    async getQuote(id: string): Promise<Quote | null> {
      const rows = await db.query('select * from quotes where id = $1', [id]);
      return rows[0] === undefined ? null : toQuote(rows[0]);
    },
  };
}
