/**
 * The final read, after the faults: every server healed, then every request whose answer was
 * lost is replayed with its Idempotency-Key until it has one. A key left in flight by a killed
 * server (or by a request whose database died under it) answers `request_in_progress` until it
 * is `limits.idempotencyInFlightTimeoutMs` old, then runs again; its first run never committed,
 * since a key is completed in the same database transaction as its work. So the final read
 * waits up to a minute, unless `--fast-final-read` moves the new servers' clock past that
 * timeout (`clock-ahead.ts`) after killing every server and seeing PostgreSQL quiet.
 * Last, a sample of acknowledged requests is replayed: each must answer as it first did.
 */
import { limits } from '../../src/domain/limits.js';
import type { Cluster } from './cluster.js';
import { call } from './http.js';
import type { ChaosOptions, Random } from './options.js';
import { sleep } from './options.js';
import type { ClientRecord, Operation } from './record.js';
import type { Fleet, Server } from './servers.js';
import type { Violations } from './violations.js';

export interface FinalReadCounts {
  unknown: number;
  resolved: number;
  committed: number;
  replayedAcknowledged: number;
}

const replaySampleMax = 60;

/** The servers of the final read: all of them healed, or in a fast final read one fresh server. */
async function prepareServers(options: ChaosOptions, cluster: Cluster, fleet: Fleet): Promise<void> {
  if (!options.fastFinalRead) return fleet.heal(180_000);
  fleet.killAll(limits.idempotencyInFlightTimeoutMs + 5000);
  if (!(await cluster.quiesce(30_000))) throw new Error('final read: PostgreSQL still has sessions of killed servers after 30 s');
  const server = fleet.servers[0] as Server;
  fleet.restart(server);
  await fleet.waitReady(server, 180_000);
}

/** The longest wait a round of the final read honours from a `Retry-After` (a lease is seconds long). */
const retryAfterMaxMs = 15_000;

/**
 * Replays every unknown operation once per round, two at a time, until none is left or the
 * deadline passes; a round that leaves some (their keys still in flight) is followed by a pause:
 * the longest `Retry-After` of the round (a 409 `request_in_progress` says when the holder's lease
 * can end, so when a key left by a killed server can be taken over), at least a second. Two at a
 * time: with more, the final-read server's group commit forms groups, and their deadlocks
 * (docs/chaos.md) make the final read slower, not faster.
 */
async function resolveUnknown(fleet: Fleet, record: ClientRecord, random: Random, unknown: readonly Operation[], deadline: number): Promise<void> {
  for (const operation of unknown) operation.resolvedLate = true;
  let left = [...unknown];
  while (left.length > 0 && Date.now() < deadline) {
    const queue = [...left];
    let waitMs = 1000;
    const worker = async () => {
      for (let operation = queue.shift(); operation !== undefined && Date.now() < deadline; operation = queue.shift()) {
        const answer = await record.attempt(random.pick(fleet.running()), operation, 30_000);
        if (operation.outcome === 'unknown' && answer?.retryAfterSeconds != null)
          waitMs = Math.max(waitMs, Math.min(answer.retryAfterSeconds * 1000, retryAfterMaxMs));
      }
    };
    await Promise.all([worker(), worker()]);
    left = left.filter((operation) => operation.outcome === 'unknown');
    if (left.length > 0) await sleep(Math.min(waitMs, Math.max(0, deadline - Date.now())));
  }
}

/** An acknowledged request replayed with its key must answer the same status and object, marked replayed. */
async function replayAcknowledged(fleet: Fleet, record: ClientRecord, random: Random, violations: Violations): Promise<number> {
  const acknowledged = record.operations.filter((operation) => operation.outcome === 'ok');
  const sample = Array.from({ length: Math.min(replaySampleMax, acknowledged.length) }, () => random.pick(acknowledged));
  const queue = [...sample];
  const worker = async () => {
    for (let operation = queue.shift(); operation !== undefined; operation = queue.shift()) await replayOne(operation);
  };
  const replayOne = async (operation: Operation) => {
    const first = { status: operation.status, id: operation.acknowledgement?.id };
    const answer = await call(random.pick(fleet.running()), 'POST', operation.path, operation.body, operation.key, 30_000).catch(() => null);
    if (answer === null || answer.status !== first.status || String(answer.json.id) !== first.id || !answer.replayed) {
      violations.add(
        'idempotent_replay',
        `replaying acknowledged ${operation.kind} ${operation.key} answered ${answer?.status} ${String(answer?.json.id)} (replayed: ${answer?.replayed}), first ${first.status} ${first.id}`,
      );
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => worker()));
  return sample.length;
}

export async function finalRead(
  options: ChaosOptions,
  cluster: Cluster,
  fleet: Fleet,
  record: ClientRecord,
  random: Random,
  violations: Violations,
): Promise<FinalReadCounts> {
  await prepareServers(options, cluster, fleet);
  const unknown = record.operations.filter((operation) => operation.outcome === 'unknown');
  const budgetMs = options.fastFinalRead ? 60_000 : 180_000;
  await resolveUnknown(fleet, record, random, unknown, Date.now() + budgetMs);
  for (const operation of unknown) {
    if (operation.outcome === 'unknown')
      violations.add('unresolved', `${operation.kind} ${operation.key} stayed unknown after replaying its key for ${budgetMs / 1000} s`);
  }
  const replayedAcknowledged = await replayAcknowledged(fleet, record, random, violations);
  return {
    unknown: unknown.length,
    resolved: unknown.filter((operation) => operation.outcome !== 'unknown').length,
    committed: unknown.filter((operation) => operation.outcome === 'ok').length,
    replayedAcknowledged,
  };
}
