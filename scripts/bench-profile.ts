/**
 * `npm run bench:profile`: where the server's CPU goes under load. Seeds a fresh database,
 * starts `coffer serve` under `node --cpu-prof`, drives POST /v1/transfers with wrk
 * (64 connections, BENCH_DURATION_S seconds), stops it and prints the top self-time functions
 * of the profile (the .cpuprofile is kept for a flame graph: open it in Chrome DevTools or speedscope).
 * BENCH_PGLITE=1 profiles the embedded database instead (PGlite runs inside the server process).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedLedger } from './bench-seed.js';
import { createDatabase, dropDatabase, startCoffer } from './bench-support.js';
import { wrk } from './bench-wrk.js';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Self time by function (name and file), largest first, in % of all samples. */
export function selfTimes(profile: Profile, top = 30): { readonly name: string; readonly percent: number }[] {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const frame = byNode.get(id)?.callFrame;
    const file = frame?.url.replace(/^.*\/node_modules\//, '').replace(/^file:\/\/.*\/(src|scripts)\//, '$1/') ?? '?';
    const name = `${frame?.functionName || '(anonymous)'} ${file}${frame?.url ? `:${(frame.lineNumber ?? 0) + 1}` : ''}`;
    totals.set(name, (totals.get(name) ?? 0) + delta);
    all += delta;
  });
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => ({ name, percent: (100 * time) / all }));
}

async function main(): Promise<void> {
  const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const seconds = Number(process.env.BENCH_DURATION_S ?? 10);
  const name = `coffer_profile_${randomBytes(4).toString('hex')}`;
  const pglite = process.env.BENCH_PGLITE === '1';
  const dataDir = mkdtempSync(join(tmpdir(), 'coffer-profile-pglite-'));
  const databaseUrl = pglite ? '' : await createDatabase(serverUrl, name);
  const adminKey = `coffer_sk_${randomBytes(24).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'coffer-cpuprof-'));
  try {
    const { walletIds } = await seedLedger(pglite ? { dataDir } : { databaseUrl }, 1000, 1_000_000_000n);
    const env: Record<string, string> = pglite ? { COFFER_DATA_DIR: dataDir, DATABASE_URL: '' } : { DATABASE_URL: databaseUrl };
    const server = await startCoffer(env, adminKey, ['--cpu-prof', '--cpu-prof-dir', dir]);
    let result: Awaited<ReturnType<typeof wrk>>;
    try {
      result = await wrk({ name: 'profile', server, adminKey, wallets: walletIds, seconds, connections: 64 });
      // The mean group size: how much each group's fixed cost (its statements) is shared.
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      const total = (name: string) =>
        Number(
          /^(\S+) (\d+)/m.exec(
            metrics
              .split('\n')
              .filter((line) => line.startsWith(name))
              .join('\n'),
          )?.[2] ?? 'NaN',
        );
      const [groups, requests] = [total('coffer_group_commit_groups_total'), total('coffer_group_commit_requests_total')];
      process.stdout.write(`group commit: ${requests} requests in ${groups} groups (mean ${(requests / groups).toFixed(1)})\n`);
    } finally {
      await server.stop();
    }
    const file = readdirSync(dir).find((entry) => entry.endsWith('.cpuprofile'));
    if (file === undefined) throw new Error('no .cpuprofile written');
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as Profile;
    process.stdout.write(
      `${result.transfersPerSecond.toFixed(0)} transfers/s, p99 ${result.p99Ms.toFixed(1)} ms, CPU ${JSON.stringify(result.cpu)}, load ${result.load}\n`,
    );
    process.stdout.write(`profile: ${join(dir, file)}\n| self % | function |\n|---:|---|\n`);
    for (const row of selfTimes(profile)) process.stdout.write(`| ${row.percent.toFixed(1)} | ${row.name} |\n`);
  } finally {
    if (!pglite) await dropDatabase(serverUrl, name).catch(() => undefined);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
