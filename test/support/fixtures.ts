import { expectStatus, type Harness } from './harness.js';

export interface CurrencyRecord {
  readonly id: string;
  readonly code: string;
  readonly fraction: number;
}

export interface WalletRecord {
  readonly id: string;
  readonly serial: string;
  readonly currencyId: string;
  readonly balance: { readonly posted: string; readonly available: string; readonly held: string; readonly pending: string; readonly ledger: string };
}

/** The ISO currency `code`: imported (201), or the one imported before (200: the import is idempotent). */
export async function isoCurrency(harness: Harness, code: string): Promise<CurrencyRecord> {
  const answer = await harness.request('POST', `/v1/currencies/iso/${code}`);
  return expectStatus<CurrencyRecord>(answer, answer.statusCode === 200 ? 200 : 201);
}

export async function wallet(harness: Harness, currencyId: string, fields: Record<string, unknown> = {}, key?: string): Promise<WalletRecord> {
  return expectStatus<WalletRecord>(await harness.request('POST', '/v1/wallets', { currencyId, ...fields }, key !== undefined ? { key } : {}), 201);
}

export async function topup(harness: Harness, walletId: string, amount: string, key?: string): Promise<Record<string, unknown>> {
  return expectStatus(await harness.request('POST', '/v1/topups', { walletId, amount }, key !== undefined ? { key } : {}), 201);
}

export async function balanceOf(harness: Harness, walletId: string): Promise<WalletRecord['balance']> {
  return expectStatus<WalletRecord>(await harness.request('GET', `/v1/wallets/${walletId}`), 200).balance;
}
