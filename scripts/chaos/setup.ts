/**
 * The world the clients play in, made before any fault: three currencies, twenty client wallets
 * (one per currency with a credit limit, so the floor is −creditLimit, not zero), each funded by
 * a top-up sent with an Idempotency-Key like any other request, and a rate for every ordered pair.
 */
import { steady } from './http.js';
import type { ClientRecord } from './record.js';
import type { Server } from './servers.js';

export interface CurrencyRef {
  readonly id: string;
  readonly code: string;
}

export interface WalletRef {
  readonly id: string;
  readonly currencyId: string;
  readonly creditLimit: bigint;
}

export interface World {
  readonly currencies: readonly CurrencyRef[];
  readonly wallets: readonly WalletRef[];
}

const walletsPerCurrency: Readonly<Record<string, number>> = { USD: 7, EUR: 7, GBP: 6 };
export const fundingAmount = 100_000n;
const creditLimit = 50_000n;

/** Rates the admin sets, and the values the rate ticker moves them between during the run. */
export const rateChoices: Readonly<Record<string, readonly string[]>> = {
  'USD>EUR': ['0.92', '0.9213', '0.9187'],
  'EUR>USD': ['1.087', '1.0855', '1.0884'],
  'USD>GBP': ['0.79', '0.7912', '0.7888'],
  'GBP>USD': ['1.266', '1.2641', '1.2675'],
  'EUR>GBP': ['0.8587', '0.86', '0.857'],
  'GBP>EUR': ['1.1645', '1.1631', '1.166'],
};

export async function setUp(servers: readonly Server[], record: ClientRecord): Promise<World> {
  const currencies: CurrencyRef[] = [];
  const wallets: WalletRef[] = [];
  for (const [code, count] of Object.entries(walletsPerCurrency)) {
    const currency = await steady(servers, 'POST', `/v1/currencies/iso/${code}`);
    if (currency.status !== 201) throw new Error(`setup: currency ${code} answered ${currency.status}`);
    const currencyId = String(currency.json.id);
    currencies.push({ id: currencyId, code });
    for (let index = 0; index < count; index++) {
      const limit = index === 0 ? creditLimit : 0n;
      const wallet = await steady(servers, 'POST', '/v1/wallets', { currencyId, name: `${code} ${index}`, creditLimit: limit.toString() });
      if (wallet.status !== 201) throw new Error(`setup: wallet answered ${wallet.status}`);
      wallets.push({ id: String(wallet.json.id), currencyId, creditLimit: limit });
    }
  }
  for (const [index, wallet] of wallets.entries()) {
    // No wallet id in the key: a UUID's digit groups pass for a card number about once in 650.
    const key = `chaos-topup${index}`;
    const topup = record.add({
      key,
      kind: 'topup',
      path: '/v1/topups',
      body: { walletId: wallet.id, amount: fundingAmount.toString(), reference: key },
      holdId: null,
      quoteId: null,
    });
    for (let attempt = 0; attempt < 10 && topup.outcome === 'unknown'; attempt++)
      await record.attempt(servers[attempt % servers.length] as Server, topup, 30_000);
    if (topup.outcome !== 'ok') throw new Error(`setup: top-up of ${wallet.id} ended ${topup.outcome} (${topup.refusal})`);
  }
  for (const [pair, choices] of Object.entries(rateChoices)) {
    const rate = await steady(servers, 'PUT', ratePath(currencies, pair), { rate: choices[0] });
    if (rate.status !== 200) throw new Error(`setup: rate ${pair} answered ${rate.status}`);
  }
  return { currencies, wallets };
}

/** `/v1/rates/{base}/{quote}` for a pair written "USD>EUR". */
export function ratePath(currencies: readonly CurrencyRef[], pair: string): string {
  const [base, quote] = pair.split('>').map((code) => currencies.find((currency) => currency.code === code)?.id);
  if (base === undefined || quote === undefined) throw new Error(`unknown pair ${pair}`);
  return `/v1/rates/${base}/${quote}`;
}

export function pairOf(currencies: readonly CurrencyRef[], fromCurrencyId: string, toCurrencyId: string): string {
  const code = (id: string) => currencies.find((currency) => currency.id === id)?.code ?? '?';
  return `${code(fromCurrencyId)}>${code(toCurrencyId)}`;
}
