// Extracted from docs/sdk.md (block 14) by `npm run sdk:examples`. Edit the doc, not this file.
declare const coffer: import('@coffer/sdk').Coffer;

for await (const event of coffer.events.list({ after: '0', types: 'transaction.posted' })) console.log(event.position, event.type);

const stop = new AbortController();
setTimeout(() => stop.abort(), 60_000);
for await (const event of coffer.events.stream({ after: '0', signal: stop.signal })) {
  console.log(event.position, event.type, event.subjectId); // reconnects by itself, resuming after the last position
}

export {};
