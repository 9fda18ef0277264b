/**
 * A pg_auto_failover formation of our own for the failover drill: a monitor, a primary and a
 * synchronous standby (`pg_autoctl`, Debian's postgresql-15-auto-failover), all on loopback ports
 * in a temporary directory, run as the `postgres` user when we are root (PostgreSQL refuses to run
 * as root). Each node's pg_autoctl runs in its own session (setsid), so one SIGKILL to its process
 * group kills the keeper and its PostgreSQL together: the node is gone, nothing restarts it.
 *
 * Timeouts: `default` leaves pg_auto_failover's own; `tuned` sets, on the monitor,
 * pgautofailover.health_check_period = 1 s, health_check_timeout = 1 s, health_check_max_retries = 1,
 * health_check_retry_delay = 0.5 s, node_considered_unhealthy_timeout = 3 s, primary_demote_timeout = 4 s,
 * and on each keeper timeout.network_partition_timeout = 3 s (a cut-off primary demotes itself
 * before the monitor's demote timeout runs out, which is what keeps the shorter timeout safe).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '../free-port.js';
import { sleep } from '../chaos/options.js';

const run = promisify(execFile);

export type Timeouts = 'default' | 'tuned';

/** The monitor settings of the tuned mode (milliseconds), applied with ALTER SYSTEM. */
export const tunedMonitorSettings: Readonly<Record<string, number>> = {
  'pgautofailover.health_check_period': 1000,
  'pgautofailover.health_check_timeout': 1000,
  'pgautofailover.health_check_max_retries': 1,
  'pgautofailover.health_check_retry_delay': 500,
  'pgautofailover.node_considered_unhealthy_timeout': 3000,
  'pgautofailover.primary_demote_timeout': 4000,
};
/** The keeper setting of the tuned mode (seconds). */
export const tunedKeeperSettings: Readonly<Record<string, string>> = { 'timeout.network_partition_timeout': '3' };

/** What the drill needs installed; a clear error naming what is missing. */
export function drillBinaries(): { pgctl: string; autoctl: string; haproxy: string } {
  const pgctl = '/usr/lib/postgresql/15/bin/pg_ctl';
  const autoctl = ['/usr/bin/pg_autoctl', '/usr/lib/postgresql/15/bin/pg_autoctl'].find((path) => existsSync(path));
  const haproxy = ['/usr/sbin/haproxy', '/usr/bin/haproxy'].find((path) => existsSync(path));
  const missing = [
    ...(existsSync(pgctl) ? [] : ['postgresql-15 (pg_ctl)']),
    ...(autoctl === undefined ? ['postgresql-15-auto-failover (pg_autoctl)'] : []),
    ...(haproxy === undefined ? ['haproxy'] : []),
  ];
  if (missing.length > 0 || autoctl === undefined || haproxy === undefined)
    throw new Error(`the failover drill needs the Debian packages: ${missing.join(', ')}`);
  return { pgctl, autoctl, haproxy };
}

interface Node {
  readonly name: string;
  readonly port: number;
  process: ChildProcess | null;
}

export class Formation {
  readonly monitor: Node;
  readonly nodes: Node[];
  private constructor(
    readonly dir: string,
    private readonly bin: { pgctl: string; autoctl: string },
    monitorPort: number,
    ports: readonly number[],
    private readonly owner: { uid: number; gid: number } | null,
  ) {
    this.monitor = { name: 'monitor', port: monitorPort, process: null };
    this.nodes = ports.map((port, index) => ({ name: `node${index + 1}`, port, process: null }));
  }

  static async create(timeouts: Timeouts, log: (line: string) => void): Promise<Formation> {
    const bin = drillBinaries();
    const dir = mkdtempSync(join(tmpdir(), 'coffer-drill-'));
    let owner: { uid: number; gid: number } | null = null;
    if (process.getuid?.() === 0) {
      owner = { uid: Number((await run('id', ['-u', 'postgres'])).stdout.trim()), gid: Number((await run('id', ['-g', 'postgres'])).stdout.trim()) };
      chownSync(dir, owner.uid, owner.gid);
    }
    const formation = new Formation(dir, bin, await freePort(), [await freePort(), await freePort()], owner);
    await formation.build(timeouts, log);
    return formation;
  }

  /** `postgres://…@node1,node2/coffer?target_session_attrs=read-write`: what Coffer is given. */
  get databaseUrl(): string {
    return `postgres://postgres@${this.nodes.map((node) => `127.0.0.1:${node.port}`).join(',')}/coffer?target_session_attrs=read-write&application_name=coffer`;
  }

  nodeUrl(node: Node): string {
    return `postgres://postgres@127.0.0.1:${node.port}/coffer`;
  }

  private environment(node: Node): string[] {
    const home = join(this.dir, node.name);
    return [`XDG_CONFIG_HOME=${home}/config`, `XDG_DATA_HOME=${home}/share`, `XDG_RUNTIME_DIR=${home}/run`, 'PGHOST=127.0.0.1'];
  }

  private prepareHome(node: Node): void {
    for (const sub of ['config', 'share', 'run']) {
      const path = join(this.dir, node.name, sub);
      mkdirSync(path, { recursive: true, mode: 0o700 });
      if (this.owner !== null) {
        chownSync(join(this.dir, node.name), this.owner.uid, this.owner.gid);
        chownSync(path, this.owner.uid, this.owner.gid);
      }
    }
  }

  private command(node: Node, args: readonly string[]): [string, string[]] {
    const inner = ['env', ...this.environment(node), ...args];
    return this.owner !== null ? ['runuser', ['-u', 'postgres', '--', ...inner]] : [inner[0] as string, inner.slice(1)];
  }

  private async autoctl(node: Node, args: readonly string[]): Promise<string> {
    const [file, argv] = this.command(node, [this.bin.autoctl, ...args]);
    const { stdout } = await run(file, argv, { maxBuffer: 10 * 1024 * 1024 });
    return stdout;
  }

  private pgdata(node: Node): string {
    return join(this.dir, node.name, 'pgdata');
  }

  /** `pg_autoctl run` in a session of its own, its output in the temporary directory. */
  private start(node: Node): void {
    const [file, argv] = this.command(node, ['setsid', this.bin.autoctl, 'run', '--pgdata', this.pgdata(node)]);
    const output = openSync(join(this.dir, `${node.name}.log`), 'a');
    node.process = spawn(file, argv, { stdio: ['ignore', output, output], detached: true });
  }

  private get monitorUrl(): string {
    return `postgres://autoctl_node@127.0.0.1:${this.monitor.port}/pg_auto_failover?sslmode=disable`;
  }

  private async build(timeouts: Timeouts, log: (line: string) => void): Promise<void> {
    this.prepareHome(this.monitor);
    await this.autoctl(this.monitor, [
      'create',
      'monitor',
      '--pgctl',
      this.bin.pgctl,
      '--pgdata',
      this.pgdata(this.monitor),
      '--pgport',
      String(this.monitor.port),
      '--hostname',
      '127.0.0.1',
      '--auth',
      'trust',
      '--no-ssl',
    ]);
    this.start(this.monitor);
    await this.waitFor(async () => (await this.query(this.monitor.port, 'pg_auto_failover', 'select 1')) !== null, 60_000, 'the monitor to start');
    if (timeouts === 'tuned') {
      for (const [name, value] of Object.entries(tunedMonitorSettings))
        await this.query(this.monitor.port, 'pg_auto_failover', `alter system set ${name} = ${value}`);
      await this.query(this.monitor.port, 'pg_auto_failover', 'select pg_reload_conf()');
    }
    log(`monitor on 127.0.0.1:${this.monitor.port}`);
    for (const node of this.nodes) {
      this.prepareHome(node);
      await this.autoctl(node, [
        'create',
        'postgres',
        '--pgctl',
        this.bin.pgctl,
        '--pgdata',
        this.pgdata(node),
        '--pgport',
        String(node.port),
        '--listen',
        '127.0.0.1',
        '--hostname',
        '127.0.0.1',
        '--auth',
        'trust',
        '--no-ssl',
        '--monitor',
        this.monitorUrl,
        '--name',
        node.name,
        '--dbname',
        'coffer',
      ]);
      if (timeouts === 'tuned') {
        for (const [name, value] of Object.entries(tunedKeeperSettings))
          await this.autoctl(node, ['config', 'set', '--pgdata', this.pgdata(node), name, value]);
      }
      this.start(node);
      log(`${node.name} created on 127.0.0.1:${node.port}`);
    }
    await this.waitFor(
      async () => {
        const states = await this.states();
        return (
          states.length === 2 &&
          states.some((row) => row.reported === 'primary' && row.assigned === 'primary') &&
          states.some((row) => row.reported === 'secondary')
        );
      },
      180_000,
      'a primary and a secondary',
    );
    // Synchronous: a commit is acknowledged only once the standby has it.
    await this.waitFor(
      async () => {
        const rows = await this.query(this.nodes[0]?.port ?? 0, 'coffer', `select current_setting('synchronous_standby_names') as names`);
        return rows !== null && String(rows[0]?.names ?? '') !== '';
      },
      60_000,
      'synchronous replication',
    );
  }

  async states(): Promise<{ name: string; reported: string; assigned: string }[]> {
    const rows = await this.query(
      this.monitor.port,
      'pg_auto_failover',
      'select nodename as name, reportedstate::text as reported, goalstate::text as assigned from pgautofailover.node',
    );
    return (rows ?? []) as { name: string; reported: string; assigned: string }[];
  }

  /** The monitor's event log since `sinceMs`, oldest first: how the failover went. */
  async events(sinceMs: number): Promise<{ at: number; description: string }[]> {
    const rows = await this.query(
      this.monitor.port,
      'pg_auto_failover',
      `select extract(epoch from eventtime) * 1000 as at, description from pgautofailover.event where eventtime >= to_timestamp(${sinceMs / 1000}) order by eventid`,
    );
    return (rows ?? []).map((row) => ({ at: Number(row.at), description: String(row.description).slice(0, 160) }));
  }

  /** The monitor's pgautofailover.* settings in force (milliseconds or counts), read back from it: what the run really used. */
  async monitorSettings(): Promise<Record<string, number>> {
    const rows = await this.query(this.monitor.port, 'pg_auto_failover', `select name, setting from pg_settings where name like 'pgautofailover.%'`);
    return Object.fromEntries((rows ?? []).map((row) => [String(row.name), Number(row.setting)]).filter(([, value]) => Number.isFinite(value)));
  }

  /** The node that takes writes now, if any (not in recovery and not read-only). */
  async writable(): Promise<Node | null> {
    for (const node of this.nodes) {
      if (node.process === null) continue;
      const rows = await this.query(node.port, 'coffer', `select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') as read_only`);
      if (rows !== null && rows[0]?.recovery === false && rows[0]?.read_only === 'off') return node;
    }
    return null;
  }

  /**
   * SIGKILL to the node's whole process group: its keeper and its PostgreSQL die together. The
   * group is found from PostgreSQL's own pid file (the postmaster runs in pg_autoctl's session).
   */
  async kill(node: Node): Promise<void> {
    for (const pgid of await this.processGroups(node)) {
      try {
        process.kill(-pgid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    node.process = null;
  }

  private async processGroups(node: Node): Promise<number[]> {
    const groups = new Set<number>();
    try {
      const pid = Number(readFileSync(join(this.pgdata(node), 'postmaster.pid'), 'utf8').split('\n')[0]);
      const { stdout } = await run('ps', ['-o', 'pgid=', '-p', String(pid)]);
      const pgid = Number(stdout.trim());
      if (Number.isSafeInteger(pgid) && pgid > 1) groups.add(pgid);
    } catch {
      // not running
    }
    return [...groups];
  }

  async query(port: number, database: string, sql: string): Promise<Record<string, unknown>[] | null> {
    const client = new pg.Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/${database}`, connectionTimeoutMillis: 1000, query_timeout: 2000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return (await client.query(sql)).rows;
    } catch {
      return null;
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async waitFor(condition: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await condition().catch(() => false)) return;
      await sleep(250);
    }
    throw new Error(`pg_auto_failover: timed out waiting for ${what} (logs in ${this.dir})`);
  }

  async destroy(keep: boolean): Promise<void> {
    for (const node of [...this.nodes, this.monitor]) await this.kill(node);
    // A PostgreSQL that outlived its keeper (it should not): stop it by its data directory.
    for (const node of [...this.nodes, this.monitor]) {
      const [file, argv] = this.command(node, [this.bin.pgctl, '-D', this.pgdata(node), '-m', 'immediate', 'stop']);
      await run(file, argv).catch(() => undefined);
    }
    if (!keep) rmSync(this.dir, { recursive: true, force: true });
  }
}
