// Extracted from docs/sdk.md (block 18) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;

const found = await coffer.instruments.find({ iban: 'DE89 3704 0044 0532 0130 00' });
console.log(found.data.map((instrument) => instrument.walletId));
const { data: cards } = await coffer.wallets.cards(alice.id);
console.log(cards.map((card) => card.id));

export {};
