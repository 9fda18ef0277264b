import { Coffer, CofferError } from '../src/index.js';

const coffer = new Coffer({ baseUrl: 'http://127.0.0.1:8080', apiKey: 'coffer_sk_...' });
const usd = await coffer.currencies.importIso('USD');
const alice = await coffer.wallets.create({ currencyId: usd.id, customerId: 'alice' });
const bob = await coffer.wallets.create({ currencyId: usd.id, customerId: 'bob' });
await coffer.topups.create({ walletId: alice.id, amount: 10_000n });
try {
  await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '2500' });
} catch (error) {
  if (error instanceof CofferError && error.code === 'insufficient_funds') console.log(error.detail);
  else throw error;
}
