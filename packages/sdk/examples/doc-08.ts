// Extracted from docs/sdk.md (block 8) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const usd: import('@coffer/sdk').Currency;
declare const eur: import('@coffer/sdk').Currency;
declare const alice: import('@coffer/sdk').Wallet;

await coffer.rates.set(usd.id, eur.id, { rate: '0.92' });
const quote = await coffer.quotes.create({ fromCurrencyId: usd.id, toCurrencyId: eur.id, amount: '10000' });
const euros = await coffer.wallets.create({ currencyId: eur.id, customerId: 'alice' });
const exchange = await coffer.exchanges.create({ fromWalletId: alice.id, toWalletId: euros.id, amount: '10000', quoteId: quote.id });
const rates = await coffer.rates.list({ baseCurrencyId: usd.id }).toArray();
console.log(exchange.id, rates.length);

export {};
