// Extracted from docs/sdk.md (block 3) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;

const first = await coffer.transactions.list({ walletId: alice.id, limit: 20 }).page();
console.log(first.data.length, first.nextCursor);
const next = await coffer.transactions.list({ walletId: alice.id, limit: 20, cursor: first.nextCursor ?? undefined }).page();
for await (const page of coffer.wallets.list({ status: 'blocked' }).pages()) console.log(page.data.length);
const everyHold = await coffer.holds.list({ walletId: alice.id }).toArray();
console.log(next.data.length, everyHold.length);

export {};
