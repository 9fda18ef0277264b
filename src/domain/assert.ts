/**
 * Programmer errors: a broken precondition or invariant. They abort the database transaction
 * and answer 500 without details; they are never used for bad input.
 */
export class AssertionFailure extends Error {
  constructor(message: string) {
    super(`assertion failed: ${message}`);
    this.name = 'AssertionFailure';
  }
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionFailure(message);
}
