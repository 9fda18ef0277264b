/**
 * The harness's own PostgreSQL cluster: `initdb` in a temporary directory, started with `pg_ctl`
 * on a free loopback port, crashed with `pg_ctl stop -m immediate`, removed at the end. The
 * machine's shared cluster is never touched. As root, the binaries run as the `postgres` user.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../free-port.js';
import { sleep } from './options.js';

const run = promisify(execFile);
const binRoot = '/usr/lib/postgresql';

/** The newest `/usr/lib/postgresql/<version>/bin` that has `initdb`, or a clear error. */
export function postgresBinaries(): string {
  const versions = existsSync(binRoot) ? readdirSync(binRoot).filter((name) => existsSync(join(binRoot, name, 'bin', 'initdb'))) : [];
  versions.sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
  const newest = versions.at(-1);
  if (newest === undefined) throw new Error(`chaos needs the PostgreSQL server binaries: no ${binRoot}/*/bin/initdb found (install postgresql)`);
  return join(binRoot, newest, 'bin');
}

export class Cluster {
  private constructor(
    readonly dir: string,
    readonly bin: string,
    readonly port: number,
  ) {}

  static async create(): Promise<Cluster> {
    const bin = postgresBinaries();
    const dir = mkdtempSync(join(tmpdir(), 'coffer-chaos-'));
    if (process.getuid?.() === 0) {
      const { stdout: uid } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(dir, Number(uid.trim()), Number(gid.trim()));
    }
    const cluster = new Cluster(dir, bin, await freePort());
    await cluster.asOwner('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await cluster.start();
    return cluster;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private asOwner(command: string, args: readonly string[]) {
    const full = join(this.bin, command);
    return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', full, ...args]) : run(full, [...args]);
  }

  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off`;
    await this.asOwner('pg_ctl', ['-D', this.dataDir, '-o', options, '-l', join(this.dir, 'postgres.log'), '-w', '-t', '60', 'start']);
  }

  /** The fault: every backend dies at once, uncommitted work is lost, crash recovery on start. */
  async crash(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']);
  }

  /** A fresh connection, for the harness's own reads (PostgreSQL restarts under our feet). */
  async connect(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 2000 });
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  /** Waits until no session but the harness's own is left (every killed server's backend has ended). */
  async quiesce(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const client = await this.connect().catch(() => null);
      if (client !== null) {
        const rows = await client
          .query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`)
          .catch(() => null);
        await client.end().catch(() => undefined);
        if (rows?.rows[0]?.n === 0) return true;
      }
      await sleep(200);
    }
    return false;
  }

  async destroy(): Promise<void> {
    await this.asOwner('pg_ctl', ['-D', this.dataDir, '-m', 'immediate', 'stop']).catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
