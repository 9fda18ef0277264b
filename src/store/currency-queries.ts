import type { AssetType, Currency, CurrencyFilter, CurrencyPatch } from '../domain/currency.js';
import type { Queryable, Row } from './database.js';
import { big, date, text, textOrNull } from './rows.js';

function toCurrency(row: Row): Currency {
  return {
    id: text(row.id),
    code: text(row.code),
    numericCode: textOrNull(row.numeric_code),
    name: text(row.name),
    symbol: textOrNull(row.symbol),
    fraction: big(row.fraction),
    assetType: text(row.asset_type) as AssetType,
    active: Boolean(row.active),
    serialPrefix: textOrNull(row.serial_prefix),
    createdAt: date(row.created_at),
    updatedAt: date(row.updated_at),
  };
}

export function currencyQueries(db: Queryable) {
  return {
    /** Inserts a currency; `isoCode` marks the one imported from the ISO table for that code (unique: currencies_iso_code). */
    async insertCurrency(currency: Currency, isoCode: string | null = null): Promise<void> {
      await db.query(
        `insert into currencies (id, code, numeric_code, name, symbol, fraction, asset_type, active, serial_prefix, created_at, updated_at, iso_code)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          currency.id,
          currency.code,
          currency.numericCode,
          currency.name,
          currency.symbol,
          currency.fraction.toString(),
          currency.assetType,
          currency.active,
          currency.serialPrefix,
          currency.createdAt,
          currency.updatedAt,
          isoCode,
        ],
      );
    },

    /** The currency imported from the ISO table for `isoCode`, if any. */
    async findIsoCurrency(isoCode: string): Promise<Currency | null> {
      const rows = await db.query('select * from currencies where iso_code = $1', [isoCode]);
      return rows[0] === undefined ? null : toCurrency(rows[0]);
    },

    /** The codes of some currencies, by id (ids not found are left out). */
    async currencyCodes(ids: readonly string[]): Promise<ReadonlyMap<string, string>> {
      if (ids.length === 0) return new Map();
      const rows = await db.query('select id, code from currencies where id = any($1::uuid[])', [[...new Set(ids)]]);
      return new Map(rows.map((row) => [String(row.id), String(row.code)]));
    },

    async getCurrency(id: string): Promise<Currency | null> {
      const rows = await db.query('select * from currencies where id = $1', [id]);
      return rows[0] === undefined ? null : toCurrency(rows[0]);
    },

    async listCurrencies(filter: CurrencyFilter): Promise<Currency[]> {
      const rows = await db.query(
        `select * from currencies
         where ($1::boolean is null or active = $1) and ($2::text is null or code = $2) and ($3::uuid is null or id > $3)
         order by id limit $4`,
        [filter.active ?? null, filter.code ?? null, filter.afterId ?? null, filter.limit],
      );
      return rows.map(toCurrency);
    },

    /** How many currencies match `listCurrencies`' filters, whatever the cursor. */
    async countCurrencies(filter: Omit<CurrencyFilter, 'afterId' | 'limit'>): Promise<number> {
      const rows = await db.query(
        'select count(*)::text as total from currencies where ($1::boolean is null or active = $1) and ($2::text is null or code = $2)',
        [filter.active ?? null, filter.code ?? null],
      );
      return Number(rows[0]?.total ?? 0);
    },

    async updateCurrency(id: string, patch: CurrencyPatch, now: Date): Promise<Currency | null> {
      const rows = await db.query(
        `update currencies set
           name = case when $2 then $3 else name end,
           symbol = case when $4 then $5 else symbol end,
           active = case when $6 then $7 else active end,
           serial_prefix = case when $8 then $9 else serial_prefix end,
           numeric_code = case when $11 then $12 else numeric_code end,
           updated_at = $10
         where id = $1 returning *`,
        [
          id,
          patch.name !== undefined,
          patch.name ?? null,
          patch.symbol !== undefined,
          patch.symbol ?? null,
          patch.active !== undefined,
          patch.active ?? null,
          patch.serialPrefix !== undefined,
          patch.serialPrefix ?? null,
          now,
          patch.numericCode !== undefined,
          patch.numericCode ?? null,
        ],
      );
      return rows[0] === undefined ? null : toCurrency(rows[0]);
    },
  };
}
