// Extracted from docs/sdk.md (block 17) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;

for await (const record of coffer.auditLog.list({ subjectId: alice.id })) console.log(record.createdAt, record.action);

export {};
