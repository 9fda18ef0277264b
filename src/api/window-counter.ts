/**
 * Counts events per key in fixed one-minute windows, in this process only, with bounded memory:
 * past `keysMax` keys, expired windows are dropped first and then the oldest keys. Used for the
 * per-key rate limits and the failed-authentication limit per client address.
 */
export class WindowCounter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly windowMs: number,
    private readonly keysMax: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event for `key`; returns how many the current window holds, this one included. */
  hit(key: string): number {
    const window = this.current(key);
    if (window !== undefined) return ++window.count;
    this.makeRoom();
    this.windows.set(key, { start: this.now(), count: 1 });
    return 1;
  }

  /** How many events the current window of `key` holds. */
  count(key: string): number {
    return this.current(key)?.count ?? 0;
  }

  /** Seconds until the current window of `key` ends (at least 1). */
  retryAfterSeconds(key: string): number {
    const window = this.current(key);
    const left = window === undefined ? 0 : window.start + this.windowMs - this.now();
    return Math.max(1, Math.ceil(left / 1000));
  }

  get size(): number {
    return this.windows.size;
  }

  private current(key: string): { start: number; count: number } | undefined {
    const window = this.windows.get(key);
    if (window === undefined) return undefined;
    if (this.now() - window.start >= this.windowMs) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  private makeRoom(): void {
    if (this.windows.size < this.keysMax) return;
    const now = this.now();
    for (const [key, window] of this.windows) if (now - window.start >= this.windowMs) this.windows.delete(key);
    // Still full: forget the oldest keys (insertion order), a tenth at a time.
    let drop = this.windows.size - this.keysMax + Math.ceil(this.keysMax / 10);
    for (const key of this.windows.keys()) {
      if (drop-- <= 0) break;
      this.windows.delete(key);
    }
  }
}
