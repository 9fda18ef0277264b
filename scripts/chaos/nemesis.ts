/**
 * The faults, one at a time every 1–3 s from two seconds in until three seconds before the end
 * (0.5–1 s apart for the first two),
 * at most `faultsMax` of them: SIGKILL a server and restart it; SIGSTOP one for 2–4 s, then
 * SIGCONT; `pg_ctl stop -m immediate` and start PostgreSQL again (crash recovery). The first two
 * faults are a PostgreSQL restart and a server kill, so that even a short run has both.
 */
import type { Cluster } from './cluster.js';
import { type Random, sleep } from './options.js';
import type { Fleet } from './servers.js';

export interface FaultCounts {
  kills: number;
  restarts: number;
  pauses: number;
  databaseRestarts: number;
}

type Fault = 'kill' | 'pause' | 'database';

async function inject(fault: Fault, cluster: Cluster, fleet: Fleet, random: Random, counts: FaultCounts): Promise<void> {
  const candidates = fleet.live();
  if (fault === 'database') {
    await cluster.crash().catch(() => undefined);
    counts.databaseRestarts++;
    await sleep(random.integer(500, 1500));
    await startAgain(cluster);
  } else if (candidates.length > 0 && fault === 'kill') {
    const victim = random.pick(candidates);
    fleet.kill(victim);
    counts.kills++;
    await sleep(random.integer(500, 1500));
    fleet.restart(victim);
    counts.restarts++;
    // Not long: the run goes on while it starts (a slow start is one more fault for the clients).
    await fleet.waitReady(victim, 5000).catch(() => undefined);
  } else if (candidates.length > 0) {
    const victim = random.pick(candidates);
    fleet.pause(victim);
    counts.pauses++;
    await sleep(random.integer(2000, 4000));
    fleet.resume(victim);
  }
}

/** Starting PostgreSQL after a crash rarely fails on a loaded machine; it is tried three times. */
async function startAgain(cluster: Cluster): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await cluster.start();
    } catch (error) {
      if (attempt >= 3) throw error;
      await sleep(1000);
    }
  }
}

export async function runNemesis(cluster: Cluster, fleet: Fleet, random: Random, deadline: number, faultsMax: number): Promise<FaultCounts> {
  const counts: FaultCounts = { kills: 0, restarts: 0, pauses: 0, databaseRestarts: 0 };
  const opening: Fault[] = ['database', 'kill'];
  await sleep(2000);
  for (let injected = 0; injected < faultsMax && Date.now() < deadline - 3000; injected++) {
    const fault = opening[injected] ?? random.pick<Fault>(['kill', 'kill', 'pause', 'database']);
    await inject(fault, cluster, fleet, random, counts);
    // The opening faults follow each other closely, so that a short run has room for both.
    await sleep(injected < opening.length ? random.integer(500, 1000) : random.integer(1000, 3000));
  }
  return counts;
}
