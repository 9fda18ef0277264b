// Extracted from docs/sdk.md (block 2) by `npm run sdk:examples`. Edit the doc, not this file.
import { CofferClientError, CofferConnectionError, CofferError, CofferTimeoutError } from '@coffer/sdk';
declare const coffer: import('@coffer/sdk').Coffer;
declare const alice: import('@coffer/sdk').Wallet;
declare const bob: import('@coffer/sdk').Wallet;

try {
  await coffer.transfers.create({ fromWalletId: alice.id, toWalletId: bob.id, amount: 10n ** 12n });
} catch (error) {
  if (error instanceof CofferError) {
    // The server refused: a problem+json answer. `code` is a union of the server's catalogue.
    switch (error.code) {
      case 'insufficient_funds':
        console.log(`${error.status} ${error.detail} (request ${error.requestId})`);
        break;
      case 'validation_failed':
        for (const field of error.errors ?? []) console.log(field.field, field.message);
        break;
      default:
        throw error;
    }
  } else if (error instanceof CofferTimeoutError || error instanceof CofferConnectionError) {
    // No answer: it may or may not have happened. Safe to repeat with the same key.
    console.log(`no answer after ${error.attempts} attempts; retry later with key ${error.idempotencyKey}`);
  } else if (error instanceof CofferClientError) {
    throw error;
  }
}

export {};
