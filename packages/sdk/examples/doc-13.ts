// Extracted from docs/sdk.md (block 13) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;

const trial = await coffer.reports.trialBalance();
for (const line of trial.data) console.log(line.currencyId, line.posted, line.balanced);
const report = await coffer.verify.run();
console.log(report.ok, report.walletsChecked, report.firstDiscrepancy);

export {};
