// Extracted from docs/sdk.md (block 9) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;
declare const bob: import('@coffer/sdk').Wallet;

const hold = await coffer.holds.create({ walletId: alice.id, amount: '3000', toWalletId: bob.id, description: 'hotel deposit' });
await coffer.holds.capture(hold.id, { amount: '2000' }); // or capture(hold.id) for all of it
const spare = await coffer.holds.create({ walletId: alice.id, amount: '500' });
await coffer.holds.void(spare.id);
console.log((await coffer.holds.get(hold.id)).capturedAmount);

export {};
