// Extracted from docs/sdk.md (block 10) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const bob: import('@coffer/sdk').Wallet;

const incoming = await coffer.pendingCredits.create({ walletId: bob.id, amount: '7500', reference: 'incoming SEPA 55' });
await coffer.pendingCredits.settle(incoming.id);
const unconfirmed = await coffer.pendingCredits.create({ walletId: bob.id, amount: '100' });
await coffer.pendingCredits.fail(unconfirmed.id);

export {};
