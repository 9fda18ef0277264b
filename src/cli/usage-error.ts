/** A command line that cannot be run as given: printed with a hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
