// Extracted from docs/sdk.md (block 7) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;
declare const bob: import('@coffer/sdk').Wallet;

await coffer.topups.create({ walletId: alice.id, amount: 50_000n, reference: 'wire-2291' });
await coffer.withdrawals.create({ walletId: alice.id, amount: '1000', description: 'cash out' });
await coffer.transfers.create(
  { fromWalletId: alice.id, toWalletId: bob.id, amount: '2500', fees: [{ amount: '25', description: 'transfer fee' }], metadata: { orderId: '42' } },
  { idempotencyKey: 'order-42-payment' },
);
await coffer.adjustments.create({ walletId: bob.id, amount: '100', direction: 'credit', reason: 'goodwill credit for ticket 7' });

export {};
