import { CofferError } from './errors.js';

/** What a money-moving request answers: replayed byte for byte for the same Idempotency-Key. */
export interface Outcome {
  readonly statusCode: number;
  readonly body: unknown;
}

export interface IdempotentOutcome extends Outcome {
  readonly replayed: boolean;
}

/** Thrown when a request's key was taken over while it ran (its claim went stale): nothing of it may commit. */
export function claimLost(): CofferError {
  // The retry that took the key over is running now: a second is the least wait worth asking for.
  return new CofferError('request_in_progress', 'This Idempotency-Key was taken over by a retry while this request ran; it was not applied.', undefined, {
    retryAfterSeconds: 1,
  });
}
