// Extracted from docs/sdk.md (block 16) by `npm run sdk:examples`. Edit the doc, not this file.
import { Coffer } from '@coffer/sdk';
declare const coffer: import('@coffer/sdk').Coffer;

const key = await coffer.apiKeys.create({ name: 'shop-1 backend', role: 'merchant', merchantId: 'shop-1', scopes: ['read', 'write'] });
const shop = new Coffer({ baseUrl: 'http://127.0.0.1:8080', apiKey: key.key }); // key.key is shown once
console.log((await shop.wallets.list().page()).data.length);
for await (const existing of coffer.apiKeys.list()) console.log(existing.prefix, existing.last4, existing.revokedAt);
await coffer.apiKeys.revoke(key.id);

export {};
