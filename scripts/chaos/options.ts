/** The command line of `npm run chaos` and the seeded randomness every choice of a run draws from. */

export interface ChaosOptions {
  readonly seconds: number;
  readonly servers: number;
  readonly clients: number;
  readonly seed: number;
  /** At most this many faults are injected (server kills, pauses, PostgreSQL restarts). */
  readonly faults: number;
  /**
   * Resolve unknown outcomes without waiting out the 60 s in-flight timeout: every server is
   * killed, and the final-read servers run with their clock moved past that timeout
   * (see `clock-ahead.ts`). Used by the short run in `npm test`.
   */
  readonly fastFinalRead: boolean;
}

function integerOption(argv: readonly string[], name: string, fallback: number, max: number, min = 1): number {
  const index = argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(argv[index + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be an integer of at least ${min}`);
  return Math.min(value, max);
}

export function parseOptions(argv: readonly string[], now: number): ChaosOptions {
  return {
    seconds: integerOption(argv, 'seconds', 60, 3600),
    servers: integerOption(argv, 'servers', 3, 8),
    clients: integerOption(argv, 'clients', 32, 128),
    seed: integerOption(argv, 'seed', (now % 1_000_000) + 1, 2 ** 31 - 1),
    faults: integerOption(argv, 'faults', 1000, 1000, 0),
    fastFinalRead: argv.includes('--fast-final-read'),
  };
}

/** Mulberry32: a small seeded generator, so a run's choices can be replayed with --seed. */
export class Random {
  private state: number;
  constructor(seed: number) {
    this.state = seed | 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer from `min` to `max`, both included. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }
  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
