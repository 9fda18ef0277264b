// Extracted from docs/sdk.md (block 1) by `npm run sdk:examples`. Edit the doc, not this file.
import { Coffer, CofferError } from '@coffer/sdk';

const coffer = new Coffer({ baseUrl: 'http://127.0.0.1:8080', apiKey: process.env.COFFER_API_KEY });
const usd = await coffer.currencies.importIso('USD');
const alice = await coffer.wallets.create({ currencyId: usd.id, customerId: 'alice' });
const bob = await coffer.wallets.create({ currencyId: usd.id, customerId: 'bob' });
await coffer.topups.create({ walletId: alice.id, amount: 10_000n });
const transfer = await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: '2500' });
console.log(transfer.id, (await coffer.wallets.balance(bob.id)).balance.available); // "2500"
for await (const wallet of coffer.wallets.list({ customerId: 'alice' })) console.log(wallet.serial);

export {};
