// Extracted from docs/sdk.md (block 5) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;

const eur = await coffer.currencies.importIso('EUR');
const points = await coffer.currencies.create({ code: 'PTS', name: 'Loyalty points', fraction: 1, assetType: 'points' });
await coffer.currencies.update(points.id, { symbol: 'pt' });
const active = await coffer.currencies.list({ active: true }).toArray();
console.log(eur.code, (await coffer.currencies.get(points.id)).name, active.length);

export {};
