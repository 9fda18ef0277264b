// Extracted from docs/sdk.md (block 4) by `npm run sdk:examples`. Edit the doc, not this file.
import { formatMinor, parseMajor } from '@coffer/sdk';
declare const coffer: import('@coffer/sdk').Coffer;
declare const usd: import('@coffer/sdk').Currency;
declare const alice: import('@coffer/sdk').Wallet;

const amount = parseMajor('10.50', usd.fraction); // 1050n; parseMajor('10.505', 100) throws
await coffer.topups.create({ walletId: alice.id, amount });
const balance = await coffer.wallets.balance(alice.id);
console.log(`${formatMinor(balance.balance.available, usd.fraction)} ${usd.code}`); // "10.50 USD"

export {};
