// Extracted from docs/sdk.md (block 12) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;
declare const bob: import('@coffer/sdk').Wallet;

const batch = await coffer.batches.create({
  atomic: true,
  items: [
    { kind: 'topup', walletId: alice.id, amount: 1_000n },
    { kind: 'transfer', fromWalletId: alice.id, toWalletId: bob.id, amount: '400' },
  ],
});
console.log(batch.succeeded, batch.results.map((result) => result.status));

export {};
