// Extracted from docs/sdk.md (block 19) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;

const controller = new AbortController();
const quick = await coffer.wallets.get(alice.id, {}, { timeoutMs: 2_000, maxRetries: 0, signal: controller.signal });
console.log(quick.status);

export {};
