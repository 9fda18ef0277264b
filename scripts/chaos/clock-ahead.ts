/**
 * Preloaded (`node --import`) into the final-read servers of a `--fast-final-read` run: moves
 * their clock `CHAOS_CLOCK_AHEAD_MS` ahead. An idempotency key claimed by a request whose server
 * was killed stays in flight until it is `limits.idempotencyInFlightTimeoutMs` old; with the
 * clock ahead by more than that, the replay finds it abandoned at once, as it would after waiting.
 * This is safe only because the harness first kills every server and waits until PostgreSQL has
 * no session left, so no process can still be running any of those requests.
 */
const aheadMs = Number(process.env.CHAOS_CLOCK_AHEAD_MS ?? '0');

if (Number.isSafeInteger(aheadMs) && aheadMs > 0) {
  const RealDate = Date;
  class AheadDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + aheadMs);
      else super(...(args as [string | number | Date]));
    }
    static override now(): number {
      return RealDate.now() + aheadMs;
    }
  }
  globalThis.Date = AheadDate as DateConstructor;
}

export {};
