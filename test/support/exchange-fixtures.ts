import { expectStatus, type Harness, ledgerSnapshot } from './harness.js';
import type { CurrencyRecord } from './fixtures.js';

/** Sets the rate of an ordered pair as the admin. */
export async function setRate(harness: Harness, base: CurrencyRecord, quote: CurrencyRecord, rate: string): Promise<Record<string, unknown>> {
  return expectStatus(await harness.request('PUT', `/v1/rates/${base.id}/${quote.id}`, { rate }), 200);
}

/** A currency made by hand, e.g. a second "USD" or BTC with 10^8 satoshi. */
export async function customCurrency(harness: Harness, code: string, fraction: number, assetType = 'fiat'): Promise<CurrencyRecord> {
  return expectStatus<CurrencyRecord>(await harness.request('POST', '/v1/currencies', { code, name: `${code} test`, fraction, assetType }), 201);
}

/** The ledger snapshot plus everything the exchange feature stores: rates, their history and quotes. */
export async function exchangeSnapshot(harness: Harness): Promise<string> {
  const rows = await harness.store.database.query(
    `select (select string_agg(base_currency_id::text || quote_currency_id::text || rate || set_at::text, ',' order by base_currency_id, quote_currency_id) from rates) as rates,
            (select count(*) from rate_history)::text as history,
            (select string_agg(id::text || ':' || coalesce(used_at::text, '-'), ',' order by id) from quotes) as quotes`,
  );
  return `${await ledgerSnapshot(harness.store)} ${JSON.stringify(rows[0])}`;
}
