// Extracted from docs/sdk.md (block 6) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const usd: import('@coffer/sdk').Currency;

const wallet = await coffer.wallets.create({ currencyId: usd.id, merchantId: 'shop-1', customerId: 'carol', externalId: 'carol-usd' });
await coffer.wallets.update(wallet.id, { name: 'Carol', creditLimit: 5_000n });
const { balance } = await coffer.wallets.balance(wallet.id);
for await (const entry of coffer.wallets.entries(wallet.id)) console.log(entry.transactionId, entry.amount);
await coffer.wallets.setStatus(wallet.id, { status: 'blocked', reason: 'suspected_fraud', description: 'case 118' });
await coffer.wallets.setStatus(wallet.id, { status: 'active', reason: 'review_completed' });
const { data: instruments } = await coffer.wallets.instruments(wallet.id);
const card = await coffer.wallets.createCard(wallet.id, { kind: 'virtual', name: 'CAROL' });
console.log(balance.available, instruments.length, card.id);
// Up to 1,000 at once, each on its own: created, existing (its externalId was there) or failed.
const onboarded = await coffer.wallets.createMany({ items: [{ currencyId: usd.id, externalId: 'dave-usd' }, { currencyId: usd.id, externalId: 'erin-usd' }] });
console.log(onboarded.created, onboarded.results.map((result) => result.status));

export {};
