/**
 * A short chaos bank test (docs/chaos.md) as part of `npm test`: `scripts/chaos.ts` runs as a
 * child process for 12 seconds on its own PostgreSQL cluster, with two servers, sixteen
 * clients and three faults (a PostgreSQL immediate restart, a server SIGKILL, one more), then a
 * fast final read. It must exit 0 and report, in its JSON summary, no violation, every unknown
 * outcome resolved, at least one acknowledged request of every kind, at least one server kill
 * and one PostgreSQL restart. Without the PostgreSQL server binaries (a machine with Node alone) it
 * says plainly that it did not run and is skipped; under CI=true it fails instead, and .ci/run also
 * fails unless the run printed its CHAOS_SHORT_RAN marker.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { it } from 'node:test';
import { postgresBinaries } from '../../scripts/chaos/cluster.js';
import type { Summary } from '../../scripts/chaos/summary.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));
const seed = Number(process.env.CHAOS_SEED ?? (Date.now() % 1_000_000) + 1);
const args = ['--seconds', '12', '--servers', '2', '--clients', '16', '--faults', '3', '--seed', String(seed), '--fast-final-read'];

interface Run {
  readonly code: number | null;
  readonly output: string;
  readonly wallSeconds: number;
}

function runChaos(signal: AbortSignal): Promise<Run> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/chaos.ts', ...args], { cwd: repositoryRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += String(chunk)));
    child.stderr.on('data', (chunk: Buffer) => (output += String(chunk)));
    // Cancelled or timed out: SIGTERM lets the script stop its servers and remove its cluster.
    const stop = () => child.kill('SIGTERM');
    signal.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      signal.removeEventListener('abort', stop);
      resolve({ code, output, wallSeconds: (Date.now() - started) / 1000 });
    });
  });
}

it('chaos bank test, short run: no violation under a server kill and a PostgreSQL immediate restart', { timeout: 180_000 }, async (context) => {
  let binaries = true;
  try {
    postgresBinaries();
  } catch {
    binaries = false;
  }
  if (!binaries) {
    const message = 'DID NOT RUN: the chaos test needs the PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb), not found on this machine';
    assert.ok(process.env.CI !== 'true', message);
    process.stdout.write(`CHAOS_SHORT_NOT_RUN ${message}\n`);
    context.skip(message);
    return;
  }
  const run = await runChaos(context.signal);
  const tail = run.output.slice(-4000);
  const line = run.output.split('\n').find((text) => text.startsWith('CHAOS_SUMMARY '));
  assert.ok(line !== undefined, `no CHAOS_SUMMARY line (exit ${run.code}, seed ${seed}):\n${tail}`);
  const summary = JSON.parse(line.slice('CHAOS_SUMMARY '.length)) as Summary;
  const explain = `seed ${seed}, ${run.wallSeconds.toFixed(1)} s; replay with npm run chaos -- ${args.join(' ')}\n${tail.replace(/CHAOS_SUMMARY .*/, '')}`;
  assert.equal(summary.violations, 0, explain);
  assert.equal(run.code, 0, explain);
  assert.equal(summary.finalRead.resolved, summary.finalRead.unknown, `unknown outcomes left: ${explain}`);
  // Holds the clients knew of while the run lasted (acknowledged then, not only resolved by the
  // final read): captures and voids can only aim at those, and each known hold gets one or the
  // other at random. So they are required together, not each: with a few known holds all may be
  // captured (seed 64785: 5 holds, 5 captures, no void), and a run whose faults hid nearly every
  // hold's answer until the end (seed 99509: 21 of 22) can send neither; it says so. What a
  // capture or void does is checked by the chaos checks themselves and the holds tests.
  const hold = summary.byKind.hold;
  const holdsKnownInRun = (hold?.acknowledged ?? 0) - (hold?.unknownThenCommitted ?? 0);
  const resolutions = (summary.byKind.capture?.sent ?? 0) + (summary.byKind.void?.sent ?? 0);
  if (holdsKnownInRun >= 3) assert.ok(resolutions > 0, `no capture or void was sent (${holdsKnownInRun} holds acknowledged during the run): ${explain}`);
  else process.stdout.write(`chaos short run: ${resolutions} captures and voids, ${holdsKnownInRun} hold(s) acknowledged during the run (seed ${seed})\n`);
  for (const kind of ['transfer', 'hold', 'capture', 'void', 'quote', 'exchange'] as const) {
    const sent = summary.byKind[kind]?.sent ?? 0;
    if (kind !== 'capture' && kind !== 'void') assert.ok(sent > 0, `no ${kind} was sent: ${explain}`);
    // A kind tried only once or twice in 12 s may meet a fault or a hold that is no longer
    // pending every time (seed 185016: one void, refused hold_not_pending); from three tries on,
    // not one acknowledged means the kind is broken.
    if (sent >= 3) assert.ok((summary.byKind[kind]?.acknowledged ?? 0) > 0, `no ${kind} was acknowledged of ${sent}: ${explain}`);
  }
  assert.ok(summary.faults.kills >= 1, `no server was killed: ${explain}`);
  assert.ok(summary.faults.databaseRestarts >= 1, `PostgreSQL was not restarted: ${explain}`);
  assert.ok(summary.ledger.postings > 0 && summary.snapshots.taken > 0, explain);
  process.stdout.write('CHAOS_SHORT_RAN\n');
  context.diagnostic(
    `CHAOS_SHORT_RAN chaos short run: ${summary.requests.sent} requests, ${summary.requests.unknownThenResolved} unknown then resolved, ${run.wallSeconds.toFixed(1)} s wall (${JSON.stringify(summary.phases)})`,
  );
});
