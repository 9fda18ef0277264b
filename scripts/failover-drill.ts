/**
 * `npm run failover-drill -- [--tuned | --default-timeouts] [--short] [--seconds N] [--clients N] [--servers N] [--keep] [--timing-advisory]`:
 * the failover drill (docs/scaling.md). It builds a pg_auto_failover formation of its own (a
 * monitor, a primary and a synchronous standby, on loopback in a temporary directory), starts
 * Coffer processes on it with a multi-host DATABASE_URL and HAProxy in front of them, and drives
 * concurrent clients sending transfers, each with its own Idempotency-Key, through HAProxy. Mid-load
 * the primary is SIGKILLed (its keeper and PostgreSQL together); once writes flow again one Coffer
 * process is SIGKILLed too. Afterwards every request whose answer was unknown is resolved by
 * retrying its key, and the ledger is checked: every acknowledged transfer present exactly once,
 * none doubled, every resolved one as its retry said, money conserved, `coffer verify` passing.
 *
 * `--tuned` shortens pg_auto_failover's timeouts (scripts/drill/formation.ts), `--default-timeouts`
 * keeps pg_auto_failover's own (also the default without `--short`); each mode has its bound
 * (scripts/drill/options.ts). `--short` is the CI run: tuned unless `--default-timeouts`, two
 * Coffer processes, 30 s of load, and the unknown answers of the killed Coffer process resolved at
 * once (as the chaos harness's --fast-final-read: every server killed, the database quiet, the
 * resolving servers' clock moved past the in-flight lease).
 * Exit 0: all held; 1: a check failed; 2: the drill itself could not run.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Answer, call, type Outcome, outcomeOf, steady } from './chaos/http.js';
import { sleep } from './chaos/options.js';
import { Fleet, prepareDatabase, type Server } from './chaos/servers.js';
import { Balancer } from './drill/haproxy.js';
import { drillBinaries, Formation } from './drill/formation.js';
import { type DrillOptions, failoverFloorSeconds, findBoundSeconds, parseDrillOptions, recoveryBoundSeconds } from './drill/options.js';
import { freePort } from './free-port.js';
import { limits } from '../src/domain/limits.js';

const repositoryRoot = fileURLToPath(new URL('../', import.meta.url));

const wallets = 10;
const funding = 1_000_000n;

interface Sent {
  readonly key: string;
  readonly body: { fromWalletId: string; toWalletId: string; amount: string; reference: string };
  readonly started: number;
  finished: number;
  outcome: Outcome;
  transactionId: string | null;
  /** How an unknown answer ended: the retry replayed a commit, applied it now, or was refused. */
  resolution: 'replayed' | 'applied' | 'refused' | null;
}

const seconds = (ms: number) => Math.round(ms / 100) / 10;
const log = (line: string) => process.stdout.write(`[drill ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function transfer(port: number, sent: Pick<Sent, 'key' | 'body'>): Promise<Answer | null> {
  return call({ port } as Server, 'POST', '/v1/transfers', sent.body, sent.key, 5000).catch(() => null);
}

async function main(): Promise<number> {
  const options = parseDrillOptions(process.argv.slice(2));
  let binaries: ReturnType<typeof drillBinaries>;
  try {
    binaries = drillBinaries();
  } catch (error) {
    process.stderr.write(`failover drill: ${(error as Error).message}\n`);
    return 2;
  }
  log(
    `pg_auto_failover timeouts: ${options.timeouts}; ${options.servers} Coffer processes behind HAProxy; ${options.clients} clients for ${options.seconds} s`,
  );
  const started = Date.now();
  let formation: Formation | null = null;
  let fleet: Fleet | null = null;
  let balancer: Balancer | null = null;
  const cleanup = async () => {
    fleet?.stopAll();
    balancer?.stop();
    await formation?.destroy(options.keep);
  };
  process.on('SIGTERM', () => void cleanup().finally(() => process.exit(2)));
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(2)));
  try {
    formation = await Formation.create(options.timeouts, log);
    log(`formation ready in ${seconds(Date.now() - started)} s: ${formation.databaseUrl}`);
    const settings = await formation.monitorSettings();
    log(
      `monitor settings in force: ${Object.entries(settings)
        .filter(([name]) => /health_check|unhealthy|demote/.test(name))
        .map(([name, value]) => `${name.replace('pgautofailover.', '')}=${value}`)
        .join(' ')}; pg_auto_failover's own floor (unhealthy + demote timeouts): ${failoverFloorSeconds(settings)} s`,
    );
    await prepareDatabase(formation.databaseUrl);
    fleet = await Fleet.create(formation.databaseUrl, options.servers);
    await fleet.heal(180_000);
    balancer = await Balancer.start(
      binaries.haproxy,
      formation.dir,
      await freePort(),
      fleet.servers.map((server) => server.port),
    );
    log(`Coffer processes ready on ${fleet.servers.map((server) => server.port).join(', ')}; HAProxy on ${balancer.port}`);
    return await drill(options, formation, fleet, balancer, failoverFloorSeconds(settings));
  } catch (error) {
    process.stderr.write(`failover drill could not run: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (fleet !== null) process.stderr.write(`${fleet.recentErrors.slice(-5).join('\n')}\n`);
    return 2;
  } finally {
    await cleanup();
    log(`wall time ${seconds(Date.now() - started)} s`);
  }
}

async function drill(options: DrillOptions, formation: Formation, fleet: Fleet, balancer: Balancer, floorSeconds: number): Promise<number> {
  // The world: one currency, ten funded wallets.
  const currency = await steady(fleet.servers, 'POST', '/v1/currencies/iso/EUR');
  if (currency.status !== 201) throw new Error(`setup: currency answered ${currency.status}`);
  const walletIds: string[] = [];
  for (let index = 0; index < wallets; index++) {
    const wallet = await steady(fleet.servers, 'POST', '/v1/wallets', { currencyId: currency.json.id, name: `drill ${index}` });
    if (wallet.status !== 201) throw new Error(`setup: wallet answered ${wallet.status}`);
    walletIds.push(String(wallet.json.id));
    const topup = await steady(fleet.servers, 'POST', '/v1/topups', { walletId: wallet.json.id, amount: funding.toString() }, `drill-topup-${index}`);
    if (topup.status !== 201) throw new Error(`setup: top-up answered ${topup.status}`);
  }

  const sent: Sent[] = [];
  const loadStarted = Date.now();
  const deadline = loadStarted + options.seconds * 1000;
  let primaryKilledAt = 0;
  let cofferKilledAt = 0;
  const unknownAnswers = new Map<string, number>();
  const client = async (index: number) => {
    for (let n = 0; Date.now() < deadline; n++) {
      const from = Math.floor(Math.random() * wallets);
      const to = (from + 1 + Math.floor(Math.random() * (wallets - 1))) % wallets;
      const key = `drill-${index}-${n}`;
      const request: Sent = {
        key,
        body: {
          fromWalletId: walletIds[from] as string,
          toWalletId: walletIds[to] as string,
          amount: String(1 + Math.floor(Math.random() * 100)),
          reference: key,
        },
        started: Date.now(),
        finished: 0,
        outcome: 'unknown',
        transactionId: null,
        resolution: null,
      };
      sent.push(request);
      const answer = await transfer(balancer.port, request);
      request.finished = Date.now();
      request.outcome = outcomeOf(answer);
      if (request.outcome === 'ok') request.transactionId = String(answer?.json.id);
      else {
        const why = answer === null ? 'no answer' : `${answer.status} ${String(answer.json.code ?? '')}`.trim();
        const phase = primaryKilledAt === 0 ? 'before the kill' : cofferKilledAt === 0 ? 'after the primary kill' : 'after the Coffer kill';
        unknownAnswers.set(`${phase}: ${why}`, (unknownAnswers.get(`${phase}: ${why}`) ?? 0) + 1);
        // As a client should: a 503 says when to come back (Retry-After: 1), anything else 100 ms.
        await sleep(answer?.status === 503 ? 1000 : 100);
      }
    }
  };

  // Watchers, each in its own loop: when the standby takes writes, and when each Coffer process
  // (asked directly, not through HAProxy) is ready again after it saw the primary go.
  let promotedAt = 0;
  const foundAt = new Map<number, number>();
  const watchPromotion = async () => {
    while (Date.now() < deadline + 5000 && promotedAt === 0) {
      if (primaryKilledAt > 0 && (await formation.writable()) !== null) promotedAt = Date.now();
      await sleep(50);
    }
  };
  const watchServer = async (server: Server) => {
    let sawDown = false;
    while (Date.now() < deadline + 5000 && !foundAt.has(server.port)) {
      if (primaryKilledAt > 0) {
        const status = await fetch(`http://127.0.0.1:${server.port}/readyz`, { signal: AbortSignal.timeout(500) }).then(
          (response) => response.status,
          () => 0,
        );
        if (status !== 200) sawDown = true;
        else if (sawDown) foundAt.set(server.port, Date.now());
      }
      await sleep(50);
    }
  };

  const nemesis = async () => {
    await sleep(options.killAfterSeconds * 1000);
    const primary = await formation.writable();
    if (primary === null) throw new Error('no primary to kill');
    await formation.kill(primary);
    primaryKilledAt = Date.now();
    log(`SIGKILL to the primary ${primary.name} (its pg_autoctl and PostgreSQL)`);
    // Once writes flow again, a Coffer process dies too.
    while (Date.now() < deadline && !sent.some((request) => request.outcome === 'ok' && request.started > primaryKilledAt)) await sleep(100);
    await sleep(1000);
    if (Date.now() < deadline - 2000) {
      const victim = fleet.servers[0] as Server;
      cofferKilledAt = Date.now();
      fleet.kill(victim);
      log(`SIGKILL to the Coffer process on port ${victim.port}`);
    }
  };

  await Promise.all([...Array.from({ length: options.clients }, (_, index) => client(index)), watchPromotion(), ...fleet.servers.map(watchServer), nemesis()]);
  const unknown = sent.filter((request) => request.outcome === 'unknown');
  for (const event of await formation.events(primaryKilledAt - 1000)) log(`  pg_auto_failover +${seconds(event.at - primaryKilledAt)} s: ${event.description}`);
  log(`load done: ${sent.length} requests, ${unknown.length} unknown; resolving them by their keys`);
  log(`unknown answers during the load: ${JSON.stringify(Object.fromEntries(unknownAnswers))}`);

  // Resolution: every unknown answer retried with its key until it is definite.
  if (options.short) {
    // Claims of the killed process stay "in flight" until their lease ends: skip the wait as the chaos
    // harness does, which is safe only once no process is running any request.
    fleet.killAll(limits.idempotencyInFlightTimeoutMs + 5_000);
    await quiesce(formation);
  }
  await fleet.heal(180_000);
  // Enough for every unknown answer to be retried a few times, however many the outage made.
  const resolveDeadline = Date.now() + limits.idempotencyInFlightTimeoutMs + Math.max(120_000, unknown.length * 500);
  const lastAnswers = new Map<string, string>();
  const queue = [...unknown];
  const resolver = async () => {
    for (let request = queue.shift(); request !== undefined; request = queue.shift()) {
      while (request.resolution === null && Date.now() < resolveDeadline) {
        const answer = await transfer(balancer.port, request);
        const outcome = outcomeOf(answer);
        if (outcome === 'ok') {
          request.transactionId = String(answer?.json.id);
          request.resolution = answer?.replayed === true ? 'replayed' : 'applied';
        } else if (outcome === 'refused') {
          request.resolution = 'refused';
        } else {
          lastAnswers.set(request.key, answer === null ? 'no answer' : `${answer.status} ${String(answer.json.code ?? '')}`);
          // As a client should: the Retry-After of a 503 or of a 409 request_in_progress (when the key's lease can end).
          await sleep(Math.min(15_000, Math.max(1000, (answer?.retryAfterSeconds ?? 1) * 1000)));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: options.clients }, resolver));
  const unresolvedWhy = new Map<string, number>();
  for (const request of unknown) {
    if (request.resolution !== null) continue;
    const why = lastAnswers.get(request.key) ?? 'never retried';
    unresolvedWhy.set(why, (unresolvedWhy.get(why) ?? 0) + 1);
  }
  if (unresolvedWhy.size > 0) log(`unresolved, by last answer: ${JSON.stringify(Object.fromEntries(unresolvedWhy))}`);

  // Checks against the database (the new primary) and through the API.
  const primary = await formation.writable();
  if (primary === null) throw new Error('no writable primary after the drill');
  const rows =
    (await formation.query(
      primary.port,
      'coffer',
      `select reference, count(*)::int as n, min(id::text) as id from transactions where reference like 'drill-%' group by reference`,
    )) ?? [];
  const found = new Map(rows.map((row) => [String(row.reference), { n: Number(row.n), id: String(row.id) }]));
  let lost = 0;
  let doubled = 0;
  let mismatched = 0;
  for (const request of sent) {
    const committed = request.outcome === 'ok' || request.resolution === 'replayed' || request.resolution === 'applied';
    const row = found.get(request.key);
    if ((row?.n ?? 0) > 1) doubled++;
    if (committed && row === undefined) lost++;
    if (committed && row !== undefined && row.id !== request.transactionId) mismatched++;
    if (!committed && row !== undefined) mismatched++;
  }
  let total = 0n;
  for (const id of walletIds) {
    const wallet = await steady(fleet.servers, 'GET', `/v1/wallets/${id}`);
    total += BigInt(String((wallet.json.balance as Record<string, unknown>).posted));
  }
  const conserved = total === funding * BigInt(wallets);
  const verified = await verify(formation.databaseUrl);

  const acknowledged = sent.filter((request) => request.outcome === 'ok').length;
  const refused = sent.filter((request) => request.outcome === 'refused').length;
  const resolved = unknown.filter((request) => request.resolution !== null).length;
  const firstWrite = sent.filter((request) => request.outcome === 'ok' && request.started >= primaryKilledAt).sort((a, b) => a.finished - b.finished)[0];
  const recovery = firstWrite === undefined ? null : seconds(firstWrite.finished - primaryKilledAt);
  const foundLags = [...foundAt.values()].map((at) => seconds(Math.max(0, at - promotedAt)));
  const findLag = foundLags.length === 0 ? null : Math.max(...foundLags);
  // The Coffer process killed mid-load cannot be measured if it died before finding the new primary:
  // that is no miss if it died within the bound of the promotion, and a miss if it was already late.
  const victimPort = (fleet.servers[0] as Server).port;
  const killedUnmeasured = cofferKilledAt > 0 && promotedAt > 0 && !foundAt.has(victimPort);
  const killedLate = killedUnmeasured && cofferKilledAt - promotedAt > findBoundSeconds * 1000;
  const afterCofferKill = cofferKilledAt === 0 ? 0 : sent.filter((request) => request.outcome === 'ok' && request.started > cofferKilledAt).length;
  const summary = {
    timeouts: options.timeouts,
    requests: sent.length,
    acknowledged,
    refused,
    unknown: unknown.length,
    resolved,
    resolvedAs: {
      replayed: unknown.filter((request) => request.resolution === 'replayed').length,
      applied: unknown.filter((request) => request.resolution === 'applied').length,
      refused: unknown.filter((request) => request.resolution === 'refused').length,
    },
    lost,
    doubled,
    mismatched,
    moneyConserved: conserved,
    verify: verified,
    promotionSeconds: promotedAt === 0 ? null : seconds(promotedAt - primaryKilledAt),
    failoverFloorSeconds: floorSeconds,
    recoverySeconds: recovery,
    recoveryBoundSeconds: recoveryBoundSeconds[options.timeouts],
    /** Coffer's share of the recovery: the standby writable → the first successful write. */
    cofferShareSeconds: firstWrite === undefined || promotedAt === 0 ? null : seconds(firstWrite.finished - promotedAt),
    cofferFoundPrimarySeconds: foundLags,
    acknowledgedAfterCofferKill: afterCofferKill,
  };
  const recoveryOk = recovery !== null && recovery <= recoveryBoundSeconds[options.timeouts];
  const findOk = findLag !== null && findLag <= findBoundSeconds && !killedLate && foundLags.length + (killedUnmeasured ? 1 : 0) === options.servers;
  process.stdout.write(
    [
      '',
      `failover drill, ${options.timeouts} pg_auto_failover timeouts, ${options.servers} Coffer processes behind HAProxy, ${options.clients} clients`,
      `  requests ${summary.requests}, acknowledged ${acknowledged}, refused ${refused}`,
      `  unknown ${unknown.length} → resolved ${resolved} (replayed ${summary.resolvedAs.replayed}, applied on retry ${summary.resolvedAs.applied}, refused ${summary.resolvedAs.refused})`,
      `  lost ${lost}, doubled ${doubled}, answer/ledger mismatches ${mismatched}`,
      `  money conserved: ${conserved ? 'yes' : `NO (${total} instead of ${funding * BigInt(wallets)})`}; coffer verify: ${verified ? 'passed' : 'FAILED'}`,
      `  primary killed → standby writable (promoted and out of pg_auto_failover's read-only wait): ${summary.promotionSeconds ?? 'never'} s`,
      `  recovery seconds (primary kill → first successful write): ${recovery ?? 'never'} (bound ${recoveryBoundSeconds[options.timeouts]} s: ${recoveryOk ? 'ok' : 'MISSED'}); of which Coffer's share after the promotion: ${summary.cofferShareSeconds ?? 'n/a'} s`,
      `  pg_auto_failover's floor with these timeouts (node_considered_unhealthy_timeout + primary_demote_timeout): ${floorSeconds} s${floorSeconds > recoveryBoundSeconds[options.timeouts] ? ` — above the bound: no client can meet it with these settings` : ''}`,
      `  Coffer found the new primary after its promotion: ${foundLags.map((lag) => `${lag} s`).join(', ') || 'never'} (bound ${findBoundSeconds} s: ${findOk ? 'ok' : 'MISSED'})${killedUnmeasured ? `; the process on ${victimPort} was killed ${seconds(cofferKilledAt - promotedAt)} s after the promotion, before it was ready${killedLate ? ' (already late)' : ''}` : ''}`,
      `  Coffer process killed ${cofferKilledAt === 0 ? 'never' : `${seconds(cofferKilledAt - primaryKilledAt)} s after the primary`}; acknowledged after that: ${afterCofferKill}`,
      `DRILL_SUMMARY ${JSON.stringify(summary)}`,
      '',
    ].join('\n'),
  );
  const safe = lost === 0 && doubled === 0 && mismatched === 0 && resolved === unknown.length && conserved && verified;
  const timely = recoveryOk && findOk && (cofferKilledAt === 0 || afterCofferKill > 0);
  const passed = safe && (timely || options.timingAdvisory);
  log(passed ? (timely ? 'PASSED' : 'PASSED on money safety; time bounds MISSED (--timing-advisory)') : 'FAILED');
  return passed ? 0 : 1;
}

/** Waits until no Coffer session is left on the primary (every killed process's backends have ended). */
async function quiesce(formation: Formation): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const primary = await formation.writable();
    if (primary !== null) {
      const rows = await formation.query(primary.port, 'coffer', `select count(*)::int as n from pg_stat_activity where application_name = 'coffer'`);
      if (rows !== null && Number(rows[0]?.n) === 0) return;
    }
    await sleep(200);
  }
  throw new Error('Coffer sessions did not end after the processes were killed');
}

function verify(databaseUrl: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify'], {
      cwd: repositoryRoot,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('close', (code) => resolve(code === 0));
    child.on('error', () => resolve(false));
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`failover drill: ${String(error)}\n`);
    process.exit(2);
  },
);
