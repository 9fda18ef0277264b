/**
 * `npm run chaos -- [--seconds 60] [--servers 3] [--clients 32] [--seed N] [--faults N] [--fast-final-read]`:
 * a fault-injection bank test in the manner of Jepsen's (docs/chaos.md). It creates its own
 * PostgreSQL cluster in a temporary directory on a free loopback port (never the machine's
 * shared cluster), starts several Coffer servers on it, and drives concurrent clients doing
 * transfers, holds, captures, voids, quotes and exchanges across 3 currencies and 20 wallets,
 * each request with an Idempotency-Key, while it SIGKILLs and restarts servers, SIGSTOPs one
 * for a few seconds and restarts PostgreSQL with `pg_ctl stop -m immediate`. A final read
 * resolves every request whose answer was lost by replaying its key; then the ledger is checked
 * against the clients' record and a replay through the domain model. Exit 0: no violation;
 * 1: violations; 2: the harness itself failed.
 */
import { runClient, runRateTicker } from './chaos/clients.js';
import { runChecks } from './chaos/checks.js';
import { Cluster } from './chaos/cluster.js';
import { finalRead } from './chaos/final-read.js';
import { runNemesis } from './chaos/nemesis.js';
import { type ChaosOptions, parseOptions, Random } from './chaos/options.js';
import { ClientRecord } from './chaos/record.js';
import { Fleet, prepareDatabase } from './chaos/servers.js';
import { setUp, type World } from './chaos/setup.js';
import { runSnapshots } from './chaos/snapshots.js';
import { printSummary, summaryOf } from './chaos/summary.js';
import { Violations } from './chaos/violations.js';

interface Resources {
  cluster?: Cluster;
  fleet?: Fleet;
}

/** Seconds since the last call (or since it was made), to a tenth: the wall time of each phase. */
function stopwatch(): () => number {
  let last = Date.now();
  return () => {
    const now = Date.now();
    const elapsed = Math.round((now - last) / 100) / 10;
    last = now;
    return elapsed;
  };
}

async function startFleet(cluster: Cluster, options: ChaosOptions, resources: Resources): Promise<Fleet> {
  await prepareDatabase(cluster.url);
  const fleet = await Fleet.create(cluster.url, options.servers);
  resources.fleet = fleet;
  await fleet.heal(180_000);
  return fleet;
}

/** The run proper: clients, faults, snapshots and rate changes, all until the deadline. */
async function runFaulty(cluster: Cluster, fleet: Fleet, options: ChaosOptions, world: World, record: ClientRecord, random: Random, violations: Violations) {
  const deadline = Date.now() + options.seconds * 1000;
  const watchdog = fleet.watch(() => Date.now() < deadline);
  const clients = Array.from({ length: options.clients }, (_, index) => runClient({ index, seed: options.seed, deadline, random, world, record, fleet }));
  const [faults, snapshots, rateChanges] = await Promise.all([
    runNemesis(cluster, fleet, random, deadline, options.faults),
    runSnapshots(cluster, fleet, random, deadline, violations),
    runRateTicker(random, world, fleet, deadline),
    ...clients,
  ]);
  clearInterval(watchdog);
  return { faults, snapshots, rateChanges };
}

async function main(resources: Resources): Promise<number> {
  const started = Date.now();
  const lap = stopwatch();
  const options = parseOptions(process.argv.slice(2), started);
  const random = new Random(options.seed);
  const cluster = await Cluster.create();
  resources.cluster = cluster;
  try {
    const fleet = await startFleet(cluster, options, resources);
    const phases: Record<string, number> = { startSeconds: lap() };
    const record = new ClientRecord();
    const violations = new Violations();
    const world = await setUp(fleet.servers, record);
    phases.setupSeconds = lap();
    const run = await runFaulty(cluster, fleet, options, world, record, random, violations);
    phases.runSeconds = lap();
    const finalReadCounts = await finalRead(options, cluster, fleet, record, random, violations);
    phases.finalReadSeconds = lap();
    const checks = await runChecks(cluster, fleet.running(), world, record, violations);
    phases.checksSeconds = lap();
    const elapsedSeconds = Math.round((Date.now() - started) / 1000);
    const counts = { ...run, phases, unexpectedExits: fleet.unexpectedExits, finalRead: finalReadCounts, checks, elapsedSeconds };
    printSummary(summaryOf(options, record, counts, violations), violations);
    return violations.count === 0 ? 0 : 1;
  } finally {
    resources.fleet?.stopAll();
    await cluster.destroy();
    resources.cluster = undefined;
  }
}

const resources: Resources = {};
// Interrupted (Ctrl-C, or a test runner's timeout): nothing is left running or on disk.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`chaos: ${signal}, cleaning up\n`);
    resources.fleet?.stopAll();
    void (resources.cluster?.destroy() ?? Promise.resolve()).finally(() => process.exit(2));
  });
}
main(resources).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`chaos: ${error instanceof Error ? error.stack : String(error)}\n${resources.fleet?.recentErrors.join('') ?? ''}`);
    process.exit(2);
  },
);
