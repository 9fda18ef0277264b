// Extracted from docs/sdk.md (block 11) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;
declare const bob: import('@coffer/sdk').Wallet;

for await (const transaction of coffer.transactions.list({ walletId: alice.id, kind: 'transfer' })) {
  console.log(transaction.id, transaction.amount, transaction.status);
}
const [latest] = await coffer.transactions.list({ walletId: bob.id, limit: 1 }).toArray(1);
if (latest !== undefined) {
  console.log((await coffer.transactions.get(latest.id)).entries.length);
  await coffer.transactions.reverse(latest.id, { amount: '100' });
}

export {};
