/**
 * The failover drill's command line and its time bounds (scripts/failover-drill.ts, docs/scaling.md).
 *
 * Two modes of pg_auto_failover timeouts, each with its bound on the recovery (the primary's kill
 * to the first successful write): `default` (pg_auto_failover's own settings, `--default-timeouts`,
 * or no flag without `--short`) 45 s; `tuned` (`--tuned`, and `--short` unless
 * `--default-timeouts` is given) 15 s. In both, each Coffer process must find the new primary
 * within 1 s of its promotion.
 */
import type { Timeouts } from './formation.js';

export interface DrillOptions {
  readonly timeouts: Timeouts;
  readonly short: boolean;
  readonly seconds: number;
  readonly killAfterSeconds: number;
  readonly clients: number;
  readonly servers: number;
  readonly keep: boolean;
  /** `--timing-advisory`: the time bounds are printed but do not fail the run (CI on a shared 2-core machine); money safety always does. */
  readonly timingAdvisory: boolean;
}

/** The promise of the issue: a write succeeds this long after the primary's death, at most. */
export const recoveryBoundSeconds: Readonly<Record<Timeouts, number>> = { default: 45, tuned: 15 };
/** Each Coffer process is ready on the new primary this long after its promotion, at most. */
export const findBoundSeconds = 1;

/** pg_auto_failover's own defaults of the settings that time a failover (milliseconds; `pg_autoctl` 1.6–2.1). */
export const defaultMonitorSettings: Readonly<Record<string, number>> = {
  'pgautofailover.health_check_period': 5000,
  'pgautofailover.health_check_timeout': 5000,
  'pgautofailover.health_check_max_retries': 2,
  'pgautofailover.health_check_retry_delay': 2000,
  'pgautofailover.node_considered_unhealthy_timeout': 20_000,
  'pgautofailover.primary_demote_timeout': 30_000,
};

/**
 * The least time pg_auto_failover needs to make the standby writable after the primary node (its
 * keeper and PostgreSQL) dies, whatever any client does: the monitor declares the primary unhealthy
 * no sooner than `node_considered_unhealthy_timeout` after its last report, then waits
 * `primary_demote_timeout` for the old primary to demote itself (it cannot: it is dead) before it
 * promotes the standby. With the defaults that is 20 + 30 = 50 s, above the 45 s bound.
 */
export function failoverFloorSeconds(settings: Readonly<Record<string, number>>): number {
  const unhealthy = settings['pgautofailover.node_considered_unhealthy_timeout'] ?? 0;
  const demote = settings['pgautofailover.primary_demote_timeout'] ?? 0;
  return (unhealthy + demote) / 1000;
}

export function parseDrillOptions(argv: readonly string[]): DrillOptions {
  const number = (name: string, fallback: number) => {
    const index = argv.indexOf(`--${name}`);
    const value = index >= 0 ? Number(argv[index + 1]) : fallback;
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  const short = argv.includes('--short');
  if (argv.includes('--tuned') && argv.includes('--default-timeouts')) throw new Error('--tuned and --default-timeouts exclude each other');
  const timeouts: Timeouts = argv.includes('--default-timeouts') ? 'default' : short || argv.includes('--tuned') ? 'tuned' : 'default';
  // With the default timeouts the standby takes writes 50 s or more after the kill: the load must outlast that.
  const seconds = number('seconds', timeouts === 'default' ? 80 : short ? 30 : 40);
  return {
    timeouts,
    short,
    seconds,
    killAfterSeconds: number('kill-after', short ? 4 : 8),
    clients: number('clients', short ? 6 : 8),
    servers: Math.max(2, number('servers', short ? 2 : 3)),
    keep: argv.includes('--keep'),
    timingAdvisory: argv.includes('--timing-advisory'),
  };
}
